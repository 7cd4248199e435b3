"""The issuer API: API keys, templates, cohort upload to a confirmed batch, credentials."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from backend.api.app import create_app
from backend.batches.service import IssuanceService
from backend.settings import Settings
from backend.store.db import new_api_key
from tests.conftest import Deployed
from tests.samples import COHORT_CSV, TEMPLATE


@pytest.fixture
def api(issuance: IssuanceService, registry: Deployed) -> Iterator[tuple[TestClient, dict[str, str]]]:
    (issuer,) = issuance.store.issuers()
    key = new_api_key()
    issuance.store.set_api_key(issuer.id, key)  # type: ignore[arg-type]
    settings = Settings(
        rpc_url=registry.rpc_url,
        registry=registry.registry.address,
        max_cohort_bytes=64_000,
        resume_on_start=False,
    )
    with TestClient(create_app(settings, issuance=issuance)) as client:
        yield client, {"X-API-Key": key}


def upload(
    client: TestClient, headers: dict[str, str], template_id: int, data: bytes, name: str = "L.csv"
) -> object:
    return client.post(
        "/api/v1/batches",
        headers=headers,
        data={"template_id": str(template_id)},
        files={"learners": (name, data, "text/csv")},
    )


def test_upload_cohort_issues_a_batch_to_poll_until_confirmed(api: tuple[TestClient, dict[str, str]]) -> None:
    client, headers = api
    template = client.post("/api/v1/templates", headers=headers, json=TEMPLATE)
    assert template.status_code == 201
    template_id = template.json()["id"]

    created = upload(client, headers, template_id, COHORT_CSV)

    assert created.status_code == 202  # type: ignore[attr-defined]
    batch_url = created.headers["Location"]  # type: ignore[attr-defined]
    batch = client.get(batch_url, headers=headers).json()
    assert batch["state"] == "confirmed"
    assert batch["count"] == 4
    assert batch["transaction"].startswith("0x")
    listed = client.get(f"{batch_url}/credentials", headers=headers).json()
    assert [c["learner_name"] for c in listed] == [
        "Wiśniewska, Zofia",
        "Jean-Luc Dupré",
        'Ana "Anita" Núñez',
        "李小龍 (Bruce Lee)",
    ]
    record = client.get(f"/api/v1/credentials/{listed[0]['id']}", headers=headers).json()
    assert record["credential"]["proof"]["root"] == batch["root"]
    public = client.get(listed[0]["links"]["json"])
    assert public.status_code == 200
    assert public.json()["id"] == listed[0]["id"]
    assert "attachment" in public.headers["content-disposition"]


def test_bad_cohort_is_422_with_every_problem_and_creates_no_batch(
    api: tuple[TestClient, dict[str, str]],
) -> None:
    client, headers = api
    template_id = client.post("/api/v1/templates", headers=headers, json=TEMPLATE).json()["id"]

    response = upload(client, headers, template_id, b"name,email\n,a@example.eu\nJan,bad\n")

    assert response.status_code == 422  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert body["code"] == "invalid_input"
    assert [(p["line"], p["field"]) for p in body["problems"]] == [(2, "name"), (3, "email")]
    assert client.get("/api/v1/batches", headers=headers).json() == []


def test_template_errors_name_the_field(api: tuple[TestClient, dict[str, str]]) -> None:
    client, headers = api
    response = client.post("/api/v1/templates", headers=headers, json={**TEMPLATE, "participation": "hybrid"})
    assert response.status_code == 422
    assert response.json()["problems"][0]["field"] == "participation"


def test_template_versions_over_the_api(api: tuple[TestClient, dict[str, str]]) -> None:
    client, headers = api
    first = client.post("/api/v1/templates", headers=headers, json=TEMPLATE).json()
    second = client.post(
        f"/api/v1/templates/{first['id']}/versions", headers=headers, json={**TEMPLATE, "eqfLevel": 5}
    )
    assert second.status_code == 201
    assert (first["version"], second.json()["version"]) == (1, 2)
    assert len(client.get("/api/v1/templates", headers=headers).json()) == 2


def test_cohort_over_the_limit_is_413(api: tuple[TestClient, dict[str, str]]) -> None:
    client, headers = api
    template_id = client.post("/api/v1/templates", headers=headers, json=TEMPLATE).json()["id"]
    response = upload(client, headers, template_id, b"name\n" + b"Zofia\n" * 20_000)
    assert response.status_code == 413  # type: ignore[attr-defined]


def test_ids_and_paging_out_of_range_are_client_errors_not_crashes(
    api: tuple[TestClient, dict[str, str]],
) -> None:
    client, headers = api
    template_id = client.post("/api/v1/templates", headers=headers, json=TEMPLATE).json()["id"]
    batch_url = upload(client, headers, template_id, COHORT_CSV).headers["Location"]  # type: ignore[attr-defined]

    for huge in ("99999999999999999999999", str(2**31), "0", "-1"):
        response = client.get(f"/api/v1/templates/{huge}", headers=headers)
        assert (response.status_code, response.json()["code"]) == (404, "not_found"), huge
    assert upload(client, headers, 2**40, COHORT_CSV).status_code == 404  # type: ignore[attr-defined]
    for query in ("offset=-1", "offset=99999999999999999999999", "limit=0", "limit=1001"):
        response = client.get(f"{batch_url}/credentials?{query}", headers=headers)
        assert response.status_code == 422, query
        body = response.json()
        assert body["code"] == "invalid_input"
        assert [p["field"] for p in body["problems"]] == [f"query.{query.split('=')[0]}"]
    page = client.get(f"{batch_url}/credentials?offset=1&limit=2", headers=headers).json()
    assert [c["index"] for c in page] == [1, 2]


def test_json_nested_past_any_real_document_is_refused_in_the_error_shape(
    api: tuple[TestClient, dict[str, str]],
) -> None:
    """py-evm's py_ecc raises the recursion limit to 100,000 when imported; the standard JSON
    scanner would then overflow the C stack on such bodies and kill the service."""
    client, headers = api
    template_id = client.post("/api/v1/templates", headers=headers, json=TEMPLATE).json()["id"]
    deep_list = b"[" * 20_000 + b"]" * 20_000
    deep_object = b'{"name":' * 100_000 + b"1" + b"}" * 100_000
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 100_000))
    try:
        cohort = upload(client, headers, template_id, deep_list, name="L.json")
        template = client.post(
            "/api/v1/templates", headers={"content-type": "application/json"}, content=deep_object
        )
    finally:
        sys.setrecursionlimit(limit)

    assert cohort.status_code == 422  # type: ignore[attr-defined]
    assert cohort.json()["detail"] == "the learners file is not valid JSON"  # type: ignore[attr-defined]
    assert "depth" in cohort.json()["problems"][0]["message"]  # type: ignore[attr-defined]
    assert (template.status_code, template.json()["code"]) == (422, "invalid_input")
    assert client.get("/api/v1/batches", headers=headers).json() == []


def test_routes_need_a_valid_key_and_show_only_the_issuers_own_data(
    api: tuple[TestClient, dict[str, str]], issuance: IssuanceService
) -> None:
    client, headers = api
    template_id = client.post("/api/v1/templates", headers=headers, json=TEMPLATE).json()["id"]
    batch_id = upload(client, headers, template_id, COHORT_CSV).json()["id"]  # type: ignore[attr-defined]
    other_key = new_api_key()
    issuance.store.add_issuer(
        address="0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
        name="Other",
        url="https://other.eu",
        country="FR",
        api_key=other_key,
    )
    other = {"X-API-Key": other_key}

    assert client.get("/api/v1/templates").status_code == 401
    assert client.get("/api/v1/templates", headers={"X-API-Key": "mc_wrong"}).status_code == 401
    assert client.get("/api/v1/templates", headers=other).json() == []
    assert client.get(f"/api/v1/templates/{template_id}", headers=other).status_code == 404
    assert client.get(f"/api/v1/batches/{batch_id}", headers=other).status_code == 404
    assert client.get("/api/v1/batches", headers=other).json() == []
    assert issuance.store.issuer_by_api_key(other_key) is not None
    assert all(row.api_key_hash != other_key for row in issuance.store.issuers())


def test_share_page_of_a_batch_not_yet_anchored_says_it_is_being_anchored(
    api: tuple[TestClient, dict[str, str]], issuance: IssuanceService
) -> None:
    from backend.credentials.cohort import parse_csv
    from backend.credentials.template import parse_template
    from backend.store import row_id

    client, _ = api
    (issuer,) = issuance.store.issuers()
    template = issuance.save_template(row_id(issuer), parse_template(TEMPLATE))
    batch = issuance.seal(issuance.create_batch(row_id(issuer), row_id(template), parse_csv(COHORT_CSV)).id)
    (first, *_) = issuance.store.credentials(batch.id)

    page = client.get(f"/v/{first.id}")

    assert 'data-verdict="pending"' in page.text
    assert "Being anchored" in page.text
    report = client.post("/api/v1/verify", json=issuance.credential_file(first)).json()
    assert report["failedCheck"] == "anchor"  # the API states the fact; the page explains it


def test_service_start_takes_up_batches_a_stopped_service_left(
    issuance: IssuanceService, registry: Deployed
) -> None:
    import time

    from backend.credentials.cohort import parse_csv
    from backend.credentials.template import parse_template
    from backend.store import BatchState, row_id

    (issuer,) = issuance.store.issuers()
    template = issuance.save_template(row_id(issuer), parse_template(TEMPLATE))
    sealed = issuance.seal(issuance.create_batch(row_id(issuer), row_id(template), parse_csv(COHORT_CSV)).id)
    draft = issuance.create_batch(row_id(issuer), row_id(template), parse_csv(COHORT_CSV))
    settings = Settings(rpc_url=registry.rpc_url, registry=registry.registry.address)

    with TestClient(create_app(settings, issuance=issuance)):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            states = {issuance.store.batch(b.id).state for b in (sealed, draft)}
            if states == {BatchState.CONFIRMED}:
                break
            time.sleep(0.1)

    assert states == {BatchState.CONFIRMED}
