"""A credential's life: PDF and QR, revocation, supersede, stacking, evidence and export."""

from __future__ import annotations

import copy
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from fastapi.testclient import TestClient
from PIL import Image

from backend.api.app import create_app
from backend.batches.service import IssuanceService
from backend.credentials.cohort import Learner
from backend.credentials.template import parse_template
from backend.documents.pdf import extract_credential
from backend.errors import InvalidInput
from backend.hashing import from_hex32
from backend.lifecycle.stacking import stack
from backend.settings import Settings
from backend.store import row_id
from backend.store.db import new_api_key
from backend.verification import Verifier
from tests.conftest import Deployed, Issued
from tests.integration.cli import microcred, microcred_issue
from tests.integration.conftest import PUBLIC_URL
from tests.samples import TEMPLATE

ANVIL_KEY_0 = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"


@pytest.fixture
def api(
    issuance: IssuanceService, registry: Deployed, verifier: Verifier
) -> Iterator[tuple[TestClient, dict[str, str]]]:
    (issuer,) = issuance.store.issuers()
    key = new_api_key()
    issuance.store.set_api_key(row_id(issuer), key)
    settings = Settings(rpc_url=registry.rpc_url, registry=registry.registry.address, public_url=PUBLIC_URL)
    with TestClient(create_app(settings, issuance=issuance, verifier=verifier)) as client:
        yield client, {"X-API-Key": key}


def save(tmp_path: Path, document: dict[str, Any], name: str) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def decode_qr(png: bytes) -> str:
    (found,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return found.text


# ───────────────────────────── PDF and QR ─────────────────────────────


def test_pdf_carries_the_credential_and_verifies_by_itself(
    issued: Issued, env: dict[str, str], registry: Deployed, tmp_path: Path
) -> None:
    credential = issued.credentials[3]
    source = save(tmp_path, credential, "credential.json")

    made = microcred("pdf", str(source), "--out", str(tmp_path / "cert.pdf"), env=env)
    assert made.returncode == 0, made.stderr

    pdf = (tmp_path / "cert.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert extract_credential(pdf) == credential
    checked = microcred("verify", str(tmp_path / "cert.pdf"), "--json", env=env)
    assert checked.returncode == 0, checked.stderr
    assert json.loads(checked.stdout)["credential"]["id"] == credential["id"]


def test_api_pdf_and_qr_open_the_share_link(api: tuple[TestClient, dict[str, str]], issued: Issued) -> None:
    client, _ = api
    credential_id = issued.credentials[0]["id"]

    pdf = client.get(f"/api/v1/credentials/{credential_id}.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    verified = client.post(
        "/api/v1/verify", files={"file": ("cert.pdf", pdf.content, "application/pdf")}
    ).json()
    assert verified["status"] == "valid"

    png = client.get(f"/api/v1/credentials/{credential_id}/qr.png")
    assert png.headers["content-type"] == "image/png"
    assert decode_qr(png.content) == f"{PUBLIC_URL}/v/{credential_id}"
    svg = client.get(f"/api/v1/credentials/{credential_id}/qr.svg")
    assert svg.headers["content-type"] == "image/svg+xml"
    assert b"<svg" in svg.content


def test_cli_qr_decodes_to_the_share_link(issued: Issued, env: dict[str, str], tmp_path: Path) -> None:
    source = save(tmp_path, issued.credentials[1], "credential.json")
    result = microcred("qr", str(source), "--out", str(tmp_path / "qr.png"), env=env)
    assert result.returncode == 0, result.stderr
    assert decode_qr((tmp_path / "qr.png").read_bytes()) == f"{PUBLIC_URL}/v/{issued.credentials[1]['id']}"


def test_pdf_without_credential_is_refused_clearly(api: tuple[TestClient, dict[str, str]]) -> None:
    client, _ = api
    from fpdf import FPDF

    plain = FPDF()
    plain.add_page()
    response = client.post(
        "/api/v1/verify", files={"file": ("other.pdf", bytes(plain.output()), "application/pdf")}
    )
    assert response.status_code == 422
    assert "carries no credential" in response.json()["detail"]
    broken = client.post(
        "/api/v1/verify", files={"file": ("broken.pdf", b"%PDF-1.7 garbage", "application/pdf")}
    )
    assert broken.status_code == 400


# ───────────────────────────── revocation ─────────────────────────────


def test_cli_revokes_one_credential_with_its_reason(
    issued: Issued, env: dict[str, str], verifier: Verifier, tmp_path: Path
) -> None:
    source = save(tmp_path, issued.credentials[0], "credential.json")

    result = microcred("revoke", str(source), "--reason", "holder_request", env=env)

    assert result.returncode == 0, result.stderr
    report = verifier.verify(issued.credentials[0]).as_json()
    assert (report["verdict"], report["revocation"]["reason"]) == ("revoked", "holder_request")
    assert verifier.verify(issued.credentials[1]).status == "valid"
    again = microcred("revoke", str(source), "--reason", "misconduct", env=env)
    assert again.returncode == 0, again.stderr
    assert "revoked nothing new" in again.stderr
    assert "index(es) 0 were revoked before: their first reason stands" in again.stderr
    assert verifier.verify(issued.credentials[0]).as_json()["revocation"]["reason"] == "holder_request"
    wrong = microcred("revoke", str(source), "--reason", "bored", env=env)
    assert wrong.returncode == 1
    assert "unknown revocation reason 'bored'" in wrong.stderr


def test_api_revokes_many_in_one_transaction_and_a_batch(
    api: tuple[TestClient, dict[str, str]], issued: Issued, issuance: IssuanceService, verifier: Verifier
) -> None:
    client, headers = api
    ids = [c["id"] for c in issued.credentials[:3]]

    response = client.post(
        "/api/v1/credentials/revoke", headers=headers, json={"credentials": ids, "reason": "issued_in_error"}
    )

    assert response.status_code == 200, response.text
    (revoked,) = response.json()["revoked"]
    assert revoked["indexes"] == [0, 1, 2]
    for credential in issued.credentials[:3]:
        assert verifier.verify(credential).as_json()["revocation"]["reason"] == "issued_in_error"
    assert verifier.verify(issued.credentials[3]).status == "valid"
    listed = client.get(f"/api/v1/batches/{issued.batch.id}/credentials", headers=headers).json()
    assert [c["revocation_reason"] for c in listed] == ["issued_in_error"] * 3 + [None]

    again = client.post(
        "/api/v1/credentials/revoke", headers=headers, json={"credentials": ids[1:], "reason": "misconduct"}
    )
    (second,) = again.json()["revoked"]
    assert (second["indexes"], second["already_revoked"]) == ([], [1, 2])
    assert verifier.verify(issued.credentials[1]).as_json()["revocation"]["reason"] == "issued_in_error"
    listed = client.get(f"/api/v1/batches/{issued.batch.id}/credentials", headers=headers).json()
    assert [c["revocation_reason"] for c in listed] == ["issued_in_error"] * 3 + [None]

    batch = client.post(
        f"/api/v1/batches/{issued.batch.id}/revoke", headers=headers, json={"reason": "misconduct"}
    )
    assert batch.status_code == 200
    assert batch.json()["revocation_reason"] == "misconduct"
    report = verifier.verify(issued.credentials[3]).as_json()
    assert (report["revocation"]["scope"], report["revocation"]["reason"]) == ("batch", "misconduct")


def test_another_issuer_cannot_revoke_but_a_registrar_can(
    issued: Issued, env: dict[str, str], verifier: Verifier, tmp_path: Path
) -> None:
    source = save(tmp_path, issued.credentials[2], "credential.json")
    stranger = {
        **env,
        "MICROCRED_ISSUER_KEY": "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    }

    refused = microcred("revoke", str(source), "--reason", "misconduct", env=stranger)
    assert refused.returncode == 1
    assert "only the batch's issuer (or a registrar)" in refused.stderr

    registrar = {**env, "MICROCRED_REGISTRAR_KEY": ANVIL_KEY_0}
    done = microcred(
        "revoke", str(source), "--reason", "key_compromise", "--batch", "--as-registrar", env=registrar
    )
    assert done.returncode == 0, done.stderr
    assert verifier.verify(issued.credentials[0]).as_json()["revocation"]["reason"] == "key_compromise"


# ───────────────────────────── supersede ─────────────────────────────


def test_supersede_links_both_ways(
    api: tuple[TestClient, dict[str, str]], issued: Issued, verifier: Verifier
) -> None:
    client, headers = api
    old = issued.credentials[1]

    response = client.post(
        f"/api/v1/credentials/{old['id']}/supersede", headers=headers, json={"grade": "4.5"}
    )

    assert response.status_code == 201, response.text
    new = response.json()["credential"]
    assert new["replaces"] == old["id"]
    assert new["credentialSubject"]["grade"] == "4.5"
    assert new["credentialSubject"]["name"] == old["credentialSubject"]["name"]
    assert client.post("/api/v1/verify", json=new).json()["status"] == "valid"
    old_report = client.post("/api/v1/verify", json=old).json()
    assert (old_report["verdict"], old_report["revocation"]["reason"]) == ("revoked", "superseded")
    assert old_report["replacedBy"] == new["id"]
    page = client.get(f"/v/{old['id']}")
    assert f"/v/{new['id']}" in page.text
    again = client.post(f"/api/v1/credentials/{old['id']}/supersede", headers=headers, json={"grade": "4.5"})
    assert again.json()["credential"]["id"] == new["id"]  # repeating does not issue twice


def test_cli_supersede_corrects_the_name(
    issued: Issued, env: dict[str, str], verifier: Verifier, tmp_path: Path
) -> None:
    source = save(tmp_path, issued.credentials[0], "old.json")
    result = microcred(
        "supersede", str(source), "--name", "Zofia Wiśniewska", "--out", str(tmp_path / "new"), env=env
    )
    assert result.returncode == 0, result.stderr
    (new_file,) = (tmp_path / "new").glob("*.json")
    new = json.loads(new_file.read_text(encoding="utf-8"))
    assert new["credentialSubject"]["name"] == "Zofia Wiśniewska"
    assert verifier.verify(new).status == "valid"
    assert verifier.verify(issued.credentials[0]).as_json()["revocation"]["reason"] == "superseded"


# ───────────────────────────── stacking ─────────────────────────────


def issue_for(issuance: IssuanceService, learners: list[Learner], name: str) -> list[dict[str, Any]]:
    (issuer,) = issuance.store.issuers()
    template = issuance.save_template(row_id(issuer), parse_template({**TEMPLATE, "name": name}))
    batch = issuance.issue(row_id(issuer), row_id(template), learners)
    return [issuance.credential_file(r) for r in issuance.store.credentials(batch.id)]


@pytest.fixture
def modules(issuance: IssuanceService) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    zofia, jan = Learner("Zofia Wiśniewska", subject_id="did:example:zofia"), Learner("Jan Kowalski")
    return issue_for(issuance, [zofia, jan], "Module A"), issue_for(issuance, [zofia, jan], "Module B")


def test_stack_accepts_same_learner_and_verifies_with_its_components(
    api: tuple[TestClient, dict[str, str]], modules: tuple[list[dict[str, Any]], list[dict[str, Any]]]
) -> None:
    client, headers = api
    a, b = modules[0][0], modules[1][0]
    template_id = client.post(
        "/api/v1/templates", headers=headers, json={**TEMPLATE, "name": "Certificate"}
    ).json()["id"]

    response = client.post(
        "/api/v1/stacks", headers=headers, json={"template_id": template_id, "components": [a, b]}
    )

    assert response.status_code == 201, response.text
    stacked = response.json()["credential"]
    assert [c["id"] for c in stacked["credentialSubject"]["components"]] == [a["id"], b["id"]]
    assert stacked["credentialSubject"]["id"] == "did:example:zofia"
    files = [("file", ("stacked.json", json.dumps(stacked), "application/json"))]
    files += [("components", (f"{i}.json", json.dumps(c), "application/json")) for i, c in enumerate((a, b))]
    report = client.post("/api/v1/verify", files=files).json()
    assert report["status"] == "valid"
    assert [c["ok"] for c in report["additionalChecks"]] == [True, True]

    forged = copy.deepcopy(b)
    forged["credentialSubject"]["grade"] = "6"
    files[-1] = ("components", ("b.json", json.dumps(forged), "application/json"))
    tampered = client.post("/api/v1/verify", files=files).json()
    assert tampered["status"] == "invalid"
    assert "digest differs" in tampered["additionalChecks"][1]["detail"]


def test_stack_refuses_revoked_component_and_other_learner(
    issuance: IssuanceService,
    registry: Deployed,
    verifier: Verifier,
    modules: tuple[list[dict[str, Any]], list[dict[str, Any]]],
) -> None:
    (issuer,) = issuance.store.issuers()
    template = issuance.save_template(row_id(issuer), parse_template({**TEMPLATE, "name": "Certificate"}))
    options = {"issuer_id": row_id(issuer), "template_id": row_id(template)}
    zofia_a, jan_a = modules[0]
    zofia_b, _ = modules[1]

    with pytest.raises(InvalidInput, match="different learners"):
        stack(issuance, verifier, components=[zofia_a, jan_a], **options)

    registry.registry.revoke_credentials(registry.issuer, from_hex32(zofia_b["proof"]["root"]), [0], 3)
    with pytest.raises(InvalidInput) as caught:
        stack(issuance, verifier, components=[zofia_a, zofia_b], **options)
    assert "entry 2: is not valid (revoked)" in str(caught.value)


def test_cli_stack(
    env: dict[str, str], modules: tuple[list[dict[str, Any]], list[dict[str, Any]]], tmp_path: Path
) -> None:
    paths = [save(tmp_path, c, f"{i}.json") for i, c in enumerate((modules[0][1], modules[1][1]))]
    (tmp_path / "T.json").write_text(json.dumps({**TEMPLATE, "name": "Certificate"}), encoding="utf-8")

    result = microcred(
        "stack",
        "--template",
        str(tmp_path / "T.json"),
        "--components",
        *map(str, paths),
        "--out",
        str(tmp_path / "out"),
        env=env,
    )

    assert result.returncode == 0, result.stderr
    (stacked,) = (tmp_path / "out").glob("*.json")
    checked = microcred("verify", str(stacked), "--components", *map(str, paths), "--json", env=env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert [c["ok"] for c in json.loads(checked.stdout)["additionalChecks"]] == [True, True]


# ───────────────────────────── existing documents ─────────────────────────────


def test_credential_certifying_a_pdf_matches_it_and_refuses_another(
    env: dict[str, str], registry: Deployed, tmp_path: Path
) -> None:
    (tmp_path / "scans").mkdir()
    (tmp_path / "scans" / "diploma-zofia.pdf").write_bytes(b"%PDF-1.7 Zofia's diploma scan")
    (tmp_path / "other.pdf").write_bytes(b"%PDF-1.7 someone else's")
    (tmp_path / "L.csv").write_text(
        "name,evidence\nZofia Wiśniewska,scans/diploma-zofia.pdf\n", encoding="utf-8"
    )
    (tmp_path / "T.json").write_text(json.dumps(TEMPLATE), encoding="utf-8")
    issued = microcred_issue(tmp_path / "T.json", tmp_path / "L.csv", tmp_path / "out", env=env)
    assert issued.returncode == 0, issued.stderr
    (credential,) = (tmp_path / "out").glob("*.json")
    evidence = json.loads(credential.read_text(encoding="utf-8"))["evidence"]
    assert evidence[0]["name"] == "diploma-zofia.pdf"
    assert evidence[0]["id"].startswith("urn:sha256:")

    match = microcred(
        "verify",
        str(credential),
        "--evidence",
        str(tmp_path / "scans" / "diploma-zofia.pdf"),
        "--json",
        env=env,
    )
    assert match.returncode == 0, match.stdout
    assert json.loads(match.stdout)["additionalChecks"][0]["ok"] is True
    mismatch = microcred(
        "verify", str(credential), "--evidence", str(tmp_path / "other.pdf"), "--json", env=env
    )
    assert mismatch.returncode == 1
    assert (
        "is not a document this credential certifies"
        in json.loads(mismatch.stdout)["additionalChecks"][0]["detail"]
    )
    alone = microcred("verify", str(credential), "--json", env=env)
    assert "add the file(s) to confirm" in json.loads(alone.stdout)["notices"][-1]


# ───────────────────────────── export ─────────────────────────────


def test_batch_export_zip_has_json_and_pdf_for_everyone(
    api: tuple[TestClient, dict[str, str]], issued: Issued
) -> None:
    client, headers = api
    response = client.get(f"/api/v1/batches/{issued.batch.id}/export.zip", headers=headers)
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = sorted(archive.namelist())
        assert len(names) == 8
        first = issued.credentials[0]["id"].removeprefix("urn:uuid:")
        assert json.loads(archive.read(f"{first}.json"))["id"] == issued.credentials[0]["id"]
        assert extract_credential(archive.read(f"{first}.pdf"))["id"] == issued.credentials[0]["id"]
