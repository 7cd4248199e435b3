"""``microcred verify FILE``: nothing but the file and an RPC URL; exit 0, 1 or 2."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from backend.hashing import from_hex32
from tests.conftest import Deployed, Issued
from tests.integration.cli import clean_env, microcred


def write(tmp_path: Path, document: dict[str, object], name: str = "credential.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def test_valid_credential_exits_0_with_every_check(
    issued: Issued, registry: Deployed, tmp_path: Path
) -> None:
    path = write(tmp_path, issued.credentials[0])

    result = microcred("verify", str(path), "--rpc", registry.rpc_url, env=clean_env(tmp_path / "none"))

    assert result.returncode == 0, result.stderr
    assert "VALID" in result.stderr
    for name in ("format", "integrity", "signature", "anchor", "issuer", "revocation", "validity"):
        assert name in result.stderr
    assert "Politechnika Poznańska" in result.stderr
    assert "check that it is the one your alliance publishes" in result.stderr


def test_json_report_and_exit_1_for_tampered(issued: Issued, registry: Deployed, tmp_path: Path) -> None:
    forged = copy.deepcopy(issued.credentials[0])
    forged["credentialSubject"]["name"] = "Mallory"
    path = write(tmp_path, forged)

    result = microcred(
        "verify", str(path), "--rpc", registry.rpc_url, "--json", env=clean_env(tmp_path / "none")
    )

    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert (report["status"], report["failedCheck"]) == ("invalid", "integrity")


def test_revoked_shows_reason(issued: Issued, registry: Deployed, tmp_path: Path) -> None:
    registry.registry.revoke_credentials(registry.issuer, from_hex32(issued.batch.root or ""), [0], 5)
    result = microcred(
        "verify",
        str(write(tmp_path, issued.credentials[0])),
        "--rpc",
        registry.rpc_url,
        env=clean_env(tmp_path),
    )
    assert result.returncode == 1
    assert "REVOKED" in result.stderr
    assert "holder request" in result.stderr


def test_unreachable_chain_exits_2(issued: Issued, tmp_path: Path) -> None:
    env = clean_env(tmp_path / "none", rpc_timeout="2")
    result = microcred(
        "verify", str(write(tmp_path, issued.credentials[0])), "--rpc", "http://127.0.0.1:9", env=env
    )
    assert result.returncode == 2
    assert "UNAVAILABLE" in result.stderr


def test_unreadable_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "broken.json").write_text('{"id": ', encoding="utf-8")
    result = microcred(
        "verify", str(tmp_path / "broken.json"), "--rpc", "http://127.0.0.1:9", env=clean_env(tmp_path)
    )
    assert result.returncode == 1
    assert "is not valid JSON" in result.stderr
    assert "line 1" in result.stderr
    missing = microcred("verify", str(tmp_path / "missing.json"), env=clean_env(tmp_path))
    assert "cannot read" in missing.stderr
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    picture = microcred("verify", str(tmp_path / "photo.png"), env=clean_env(tmp_path))
    assert picture.returncode == 1
    assert "a credential is JSON text or a PDF certificate, and this is neither" in picture.stderr
    assert "Traceback" not in missing.stderr + result.stderr + picture.stderr
