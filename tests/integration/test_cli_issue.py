"""``microcred issue`` and friends, run as a subprocess against a real Anvil."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from backend.credentials.canonical import credential_digest
from backend.hashing import from_hex32
from backend.settings import Settings
from backend.store import Store
from backend.wiring import issuer_keys
from tests.conftest import Deployed
from tests.integration.cli import clean_env, microcred, microcred_issue
from tests.samples import COHORT_CSV, TEMPLATE


@pytest.fixture
def inputs(tmp_path: Path) -> tuple[Path, Path]:
    template, learners = tmp_path / "T.json", tmp_path / "L.csv"
    template.write_text(json.dumps(TEMPLATE, ensure_ascii=False), encoding="utf-8")
    learners.write_bytes(COHORT_CSV)
    return template, learners


def anchored_batches(registry: Deployed) -> int:
    return len(registry.registry.contract.events.BatchAnchored.get_logs(from_block=0))


def test_issue_writes_one_anchored_file_per_learner(
    env: dict[str, str], inputs: tuple[Path, Path], registry: Deployed, tmp_path: Path
) -> None:
    out = tmp_path / "out"

    result = microcred_issue(*inputs, out, env=env)

    assert result.returncode == 0, result.stderr
    files = sorted(out.glob("*.json"))
    assert len(files) == 4
    assert "confirmed" in result.stderr
    credentials = [json.loads(f.read_text(encoding="utf-8")) for f in files]
    assert {f.name for f in files} == {f"{c['id']}.json" for c in credentials}
    for credential in credentials:
        root = from_hex32(credential["proof"]["root"])
        path = [from_hex32(p) for p in credential["proof"]["path"]]
        status = registry.registry.verify(
            root, credential_digest(credential), credential["credentialStatus"]["index"], path
        )
        assert status == "valid"
        assert credential["issuer"]["name"] == "Politechnika Poznańska"
        assert credential["issuer"]["country"] == "PL"
    assert credentials[0]["proof"]["root"] in result.stderr

    listing = microcred("batches", "list", env=env)
    assert listing.returncode == 0
    assert "confirmed" in listing.stdout
    templates = microcred("templates", "list", env=env)
    assert "ethics-of-artificial" in templates.stdout


@pytest.mark.parametrize(
    ("csv", "says"),
    [
        (b"email,grade\nz@example.eu,5\n", "line 1: the header has no 'name' column"),
        (
            b"name,email\nZofia,z@example.eu\n,j@example.eu\n",
            "line 3, column 'name': the learner's name is empty",
        ),
        (b"name\nZofia\nJ\xe9r\xf4me\n", "line 3: byte 0xe9 is not valid UTF-8"),
    ],
)
def test_bad_learners_file_is_refused_with_its_line_and_nothing_is_anchored(
    env: dict[str, str], inputs: tuple[Path, Path], registry: Deployed, tmp_path: Path, csv: bytes, says: str
) -> None:
    inputs[1].write_bytes(csv)

    result = microcred_issue(*inputs, tmp_path / "out", env=env)

    assert result.returncode == 1
    assert says in result.stderr
    assert "Traceback" not in result.stderr
    assert anchored_batches(registry) == 0
    assert not (tmp_path / "out").exists()


def test_wrong_eqf_level_in_template_is_refused_and_nothing_is_anchored(
    env: dict[str, str], inputs: tuple[Path, Path], registry: Deployed, tmp_path: Path
) -> None:
    inputs[0].write_text(json.dumps({**TEMPLATE, "eqfLevel": 9}), encoding="utf-8")

    result = microcred_issue(*inputs, tmp_path / "out", env=env)

    assert result.returncode == 1
    assert "eqfLevel: Input should be less than or equal to 8" in result.stderr
    assert anchored_batches(registry) == 0


def test_issue_with_the_chain_down_says_so_and_exits_2(
    env: dict[str, str], inputs: tuple[Path, Path], tmp_path: Path
) -> None:
    env["MICROCRED_RPC_URL"] = "http://127.0.0.1:9"
    env["MICROCRED_RPC_TIMEOUT"] = "2"

    result = microcred_issue(*inputs, tmp_path / "out", env=env)

    assert result.returncode == 2
    assert "cannot be reached" in result.stderr


def test_issuers_add_prints_a_key_once_that_the_api_accepts(
    env: dict[str, str], registry: Deployed, database_url: str
) -> None:
    address = registry.issuer.address.lower()

    added = microcred("issuers", "add", "--address", address, "--country", "pl", env=env)

    assert added.returncode == 0, added.stderr
    key = added.stdout.strip()
    assert key.startswith("mc_")
    assert "shown once" in added.stderr
    listing = microcred("issuers", "list", env=env)
    assert "Politechnika Poznańska" in listing.stdout
    assert key not in listing.stdout
    assert key[:8] in listing.stdout
    store = Store(database_url)
    assert store.issuer_by_api_key(key) is not None
    rotated = microcred("issuers", "new-key", address, env=env).stdout.strip()
    assert store.issuer_by_api_key(key) is None
    assert store.issuer_by_api_key(rotated) is not None
    store.dispose()
    twice = microcred("issuers", "add", "--address", address, "--country", "PL", env=env)
    assert twice.returncode == 1
    assert "already in the database" in twice.stderr
    bad = microcred("issuers", "add", "--address", "0x12", "--country", "PL", env=env)
    assert "not an Ethereum address: '0x12'" in bad.stderr


def test_new_keystore_writes_an_encrypted_key_the_service_loads(tmp_path: Path) -> None:
    passphrase = "correct horse battery staple"
    out = tmp_path / "issuer.json"
    env = clean_env(tmp_path, issuer_passphrase=passphrase)

    made = microcred("issuers", "new-keystore", "--out", str(out), env=env)

    assert made.returncode == 0, made.stderr
    address = made.stdout.strip()
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert "crypto" in json.loads(out.read_text(encoding="utf-8"))
    settings = Settings(issuer_keystore=out, issuer_passphrase=passphrase, issuer_key=None)  # type: ignore[arg-type]
    assert list(issuer_keys(settings)) == [address]
    again = microcred("issuers", "new-keystore", "--out", str(out), env=env)
    assert again.returncode == 1
    assert "never overwritten" in again.stderr
    assert list(issuer_keys(settings)) == [address]
    for refused_env, says in (
        (clean_env(tmp_path), "set MICROCRED_ISSUER_PASSPHRASE"),
        (clean_env(tmp_path, issuer_passphrase="short"), "at least 12 characters"),
    ):
        refused = microcred("issuers", "new-keystore", "--out", str(tmp_path / "other.json"), env=refused_env)
        assert refused.returncode == 1
        assert says in refused.stderr
        assert not (tmp_path / "other.json").exists()
