"""docs/verify-without-us.md: its example runs, with nothing of Microcred, and says the truth."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

from backend.chain.artifacts import load_artifact
from backend.hashing import from_hex32
from tests.conftest import Deployed, Issued

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "examples" / "verify_without_us.py"


def run_example(
    credential: dict[str, object], registry: Deployed, tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "credential.json"
    path.write_text(json.dumps(credential, ensure_ascii=False), encoding="utf-8")
    # -I: isolated mode, so the example cannot import the project's backend package.
    return subprocess.run(
        [sys.executable, "-I", str(EXAMPLE), str(path), registry.rpc_url, registry.registry.address],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=tmp_path,
    )


def test_doc_quotes_the_tested_example_and_publishes_the_abi() -> None:
    doc = (ROOT / "docs" / "verify-without-us.md").read_text(encoding="utf-8")
    assert EXAMPLE.read_text(encoding="utf-8") in doc
    assert "backend" not in EXAMPLE.read_text(encoding="utf-8")
    published = json.loads(
        (ROOT / "docs" / "abi" / "CredentialRegistry.abi.json").read_text(encoding="utf-8")
    )
    assert published == load_artifact().abi


def test_example_accepts_a_valid_credential(issued: Issued, registry: Deployed, tmp_path: Path) -> None:
    result = run_example(issued.credentials[0], registry, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "issued by Politechnika Poznańska" in result.stdout


def test_example_refuses_tampered_and_revoked(issued: Issued, registry: Deployed, tmp_path: Path) -> None:
    forged = copy.deepcopy(issued.credentials[0])
    forged["credentialSubject"]["name"] = "Mallory"
    tampered = run_example(forged, registry, tmp_path)
    assert tampered.returncode == 1
    assert "integrity" in tampered.stdout

    registry.registry.revoke_credentials(registry.issuer, from_hex32(issued.batch.root or ""), [1], 2)
    revoked = run_example(issued.credentials[1], registry, tmp_path)
    assert revoked.returncode == 1
    assert "revocation: credential revoked" in revoked.stdout
