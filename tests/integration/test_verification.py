"""Every check of SPEC §5 failing on its own, against a real registry on Anvil."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest
from eth_account import Account
from web3 import HTTPProvider, Web3
from web3.types import RPCEndpoint, RPCResponse

from backend.batches.builder import proof_member
from backend.batches.service import IssuanceService
from backend.chain.anvil import ANVIL_KEYS, Anvil
from backend.chain.client import RegistryClient, deploy_registry
from backend.credentials.canonical import credential_digest
from backend.hashing import from_hex32, to_hex
from backend.merkle import MerkleTree
from backend.signing.eip712 import RegistryDomain, sign_batch
from backend.signing.keys import IssuerKey
from backend.store import Store
from backend.verification import Verifier
from backend.wiring import ensure_issuer
from tests.conftest import Deployed, Issued, issue_sample

pytestmark = pytest.mark.usefixtures("issued")


def outcome(verifier: Verifier, document: dict[str, Any]) -> tuple[str, str | None, str]:
    report = verifier.verify(document).as_json()
    failed = next((c for c in report["checks"] if c["ok"] is False), None)
    return report["status"], report["failedCheck"], failed["detail"] if failed else ""


def reseal(
    documents: list[dict[str, Any]], key: bytes, domain: RegistryDomain
) -> tuple[list[dict[str, Any]], bytes]:
    """Give changed documents a correct tree and signature, as a forger holding `key` would."""
    bodies = [{k: v for k, v in d.items() if k != "proof"} for d in documents]
    tree = MerkleTree([credential_digest(b) for b in bodies])
    signature = sign_batch(key, domain, root=tree.root, count=len(bodies))
    return [
        {**b, "proof": proof_member(tree.root, tree.proof(i), len(bodies), signature)}
        for i, b in enumerate(bodies)
    ], tree.root


def test_issued_credentials_are_valid_with_every_check_passed(verifier: Verifier, issued: Issued) -> None:
    for credential in issued.credentials:
        report = verifier.verify(credential).as_json()
        assert report["status"] == "valid", report
        assert [c["name"] for c in report["checks"]] == [
            "format",
            "integrity",
            "signature",
            "anchor",
            "issuer",
            "revocation",
            "validity",
        ]
        assert all(c["ok"] for c in report["checks"])
        assert report["chain"]["issuerName"] == "Politechnika Poznańska"
        assert report["chain"]["anchorTransaction"] == issued.batch.tx_hash
        assert report["chain"]["confirmations"] >= 1


def test_tampered_field_fails_integrity(verifier: Verifier, issued: Issued) -> None:
    forged = copy.deepcopy(issued.credentials[1])
    forged["credentialSubject"]["grade"] = "5.0 (excellent)"
    assert outcome(verifier, forged)[:2] == ("invalid", "integrity")


def test_tampered_salt_fails_integrity(verifier: Verifier, issued: Issued) -> None:
    forged = copy.deepcopy(issued.credentials[0])
    forged["salt"] = forged["salt"][:-1] + ("0" if forged["salt"][-1] != "0" else "1")
    assert outcome(verifier, forged)[:2] == ("invalid", "integrity")


def test_wrong_path_fails_integrity(verifier: Verifier, issued: Issued) -> None:
    forged = copy.deepcopy(issued.credentials[0])
    forged["proof"]["path"] = list(reversed(forged["proof"]["path"]))
    assert outcome(verifier, forged)[:2] == ("invalid", "integrity")


def test_other_signer_fails_signature(verifier: Verifier, issued: Issued, registry: Deployed) -> None:
    forged = copy.deepcopy(issued.credentials[0])
    domain = RegistryDomain(registry.registry.chain_id, registry.registry.address)
    root = from_hex32(forged["proof"]["root"])
    forged["proof"]["issuerSignature"] = to_hex(sign_batch(registry.other.key, domain, root=root, count=4))
    status, check, detail = outcome(verifier, forged)
    assert (status, check) == ("invalid", "signature")
    assert registry.other.address in detail


def test_changed_batch_size_fails_signature(verifier: Verifier, issued: Issued) -> None:
    forged = copy.deepcopy(issued.credentials[0])
    forged["proof"]["batchSize"] = 5
    assert outcome(verifier, forged)[:2] == ("invalid", "signature")


def test_chain_id_in_issuer_did_differing_from_status_fails_signature(
    verifier: Verifier, issued: Issued, registry: Deployed
) -> None:
    changed = copy.deepcopy(issued.credentials[0])
    changed["issuer"]["id"] = changed["issuer"]["id"].replace(":31337:", ":1:")
    domain = RegistryDomain(31337, registry.registry.address)
    (forged,), root = reseal([changed], registry.issuer.key, domain)
    registry.registry.anchor(registry.issuer, root, 1)

    status, check, detail = outcome(verifier, forged)
    assert (status, check) == ("invalid", "signature")
    assert "chain 1" in detail


def test_unknown_root_fails_anchor(verifier: Verifier, issued: Issued, registry: Deployed) -> None:
    domain = RegistryDomain(31337, registry.registry.address)
    forged, _ = reseal([copy.deepcopy(c) for c in issued.credentials[:3]], registry.issuer.key, domain)
    status, check, detail = outcome(verifier, forged[0])
    assert (status, check) == ("invalid", "anchor")
    assert "no batch with root" in detail


def test_untrusted_registry_fails_anchor(issued: Issued, registry: Deployed) -> None:
    strict = Verifier(
        {}, default_rpc=registry.rpc_url, trusted_registries=["0x000000000000000000000000000000000000dEaD"]
    )
    status, check, detail = outcome(strict, issued.credentials[0])
    assert (status, check) == ("invalid", "anchor")
    assert "not one this verifier trusts" in detail


def test_credential_naming_another_chain_is_unavailable_not_invalid(
    issued: Issued, registry: Deployed
) -> None:
    misconfigured = Verifier({1: registry.rpc_url}, trusted_registries=None)
    changed = copy.deepcopy(issued.credentials[0])
    changed["issuer"]["id"] = changed["issuer"]["id"].replace(":31337:", ":1:")
    changed["credentialStatus"]["chainId"] = 1
    (forged,), _ = reseal([changed], registry.issuer.key, RegistryDomain(1, registry.registry.address))

    report = misconfigured.verify(forged).as_json()

    assert report["status"] == "unavailable"
    assert "serves chain 31337" in report["unavailableReason"]
    no_rpc = Verifier({}, trusted_registries=None).verify(forged).as_json()
    assert no_rpc["status"] == "unavailable"
    assert "no RPC for chain 1" in no_rpc["unavailableReason"]


def test_revoked_index_fails_revocation_with_reason_and_date(
    verifier: Verifier, issued: Issued, registry: Deployed
) -> None:
    root = from_hex32(issued.batch.root or "")
    registry.registry.revoke_credentials(registry.issuer, root, [2], 3)

    status, check, detail = outcome(verifier, issued.credentials[2])
    assert (status, check) == ("invalid", "revocation")
    assert "this credential was revoked on" in detail
    assert "misconduct" in detail
    report = verifier.verify(issued.credentials[2]).as_json()
    assert report["verdict"] == "revoked"
    assert report["revocation"]["reason"] == "misconduct"
    assert report["revocation"]["scope"] == "credential"
    assert outcome(verifier, issued.credentials[1])[0] == "valid"


def test_revoked_batch_fails_revocation_for_every_credential(
    verifier: Verifier, issued: Issued, registry: Deployed
) -> None:
    registry.registry.revoke_batch(registry.admin, from_hex32(issued.batch.root or ""), 4)
    for credential in issued.credentials:
        status, check, detail = outcome(verifier, credential)
        assert (status, check) == ("invalid", "revocation")
        assert "the whole batch was revoked" in detail
        assert "key compromise" in detail


def test_expired_and_not_yet_valid_fail_validity(verifier: Verifier, issuance: IssuanceService) -> None:
    old = issue_sample(
        issuance, valid_from=datetime(2020, 1, 1, tzinfo=UTC), valid_until="2021-01-01T00:00:00Z"
    )
    future = issue_sample(issuance, valid_from=datetime(2099, 1, 1, tzinfo=UTC))

    status, check, detail = outcome(verifier, old.credentials[0])
    assert (status, check, detail) == ("invalid", "validity", "expired on 2021-01-01 00:00 UTC")
    assert verifier.verify(old.credentials[0]).verdict == "expired"
    status, check, detail = outcome(verifier, future.credentials[0])
    assert (status, check) == ("invalid", "validity")
    assert verifier.verify(future.credentials[0]).verdict == "not-yet-valid"


def test_inactive_issuer_is_a_notice_not_a_failure(
    verifier: Verifier, issued: Issued, registry: Deployed
) -> None:
    registry.registry.set_issuer_active(registry.admin, registry.issuer.address, False)
    report = verifier.verify(issued.credentials[0]).as_json()
    assert report["status"] == "valid"
    assert "made inactive" in report["notices"][0]


def test_registry_address_without_contract_fails_anchor(issued: Issued, registry: Deployed) -> None:
    changed = copy.deepcopy(issued.credentials[0])
    changed["credentialStatus"]["registry"] = "0x000000000000000000000000000000000000dEaD"
    (forged,), _ = reseal(
        [changed], registry.issuer.key, RegistryDomain(31337, "0x000000000000000000000000000000000000dEaD")
    )
    status, check, detail = outcome(Verifier({}, default_rpc=registry.rpc_url), forged)
    assert (status, check) == ("invalid", "anchor")
    assert "no registry contract" in detail


def test_chain_stopped_is_unavailable_never_invalid(tmp_path: Any) -> None:
    admin, issuer = (Account.from_key(k) for k in ANVIL_KEYS[:2])
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    with Anvil() as chain:
        probe = RegistryClient.connect(chain.rpc_url, admin.address)
        client = RegistryClient.connect(
            chain.rpc_url, deploy_registry(probe.w3, admin, admin=admin.address), timeout=2
        )
        client.register_issuer(admin, issuer.address, "PUT", "https://put.poznan.pl")
        key = IssuerKey(issuer)
        service = IssuanceService(store, client, {key.address: key})
        ensure_issuer(service, key, country="PL")
        credential = issue_sample(service).credentials[0]
        verifier = Verifier({}, default_rpc=chain.rpc_url, timeout=2)
        assert verifier.verify(credential).status == "valid"
    store.dispose()

    report = verifier.verify(credential).as_json()

    assert report["status"] == "unavailable"
    assert report["failedCheck"] is None
    assert [c["ok"] for c in report["checks"]] == [True, True, True, None, None, None, None]
    assert "cannot be reached" in report["unavailableReason"]


class _NodeThatWillNotSearchLogs(HTTPProvider):
    """Answers calls but refuses eth_getLogs, as public RPCs do for a wide block range."""

    def make_request(self, method: RPCEndpoint, params: Any) -> RPCResponse:
        if method == "eth_getLogs":
            return {
                "jsonrpc": "2.0",
                "id": 1,
                "error": {"code": -32005, "message": "block range is too wide"},
            }
        return super().make_request(method, params)


def test_a_node_that_will_not_search_logs_still_gives_a_verdict(issued: Issued, registry: Deployed) -> None:
    verifier = Verifier(
        {},
        default_rpc=registry.rpc_url,
        trusted_registries=[registry.registry.address],
        client_factory=lambda url, address: RegistryClient(
            Web3(_NodeThatWillNotSearchLogs(url)), address, rpc_url=url
        ),
    )
    root = from_hex32(issued.batch.root or "")
    registry.registry.revoke_credentials(registry.issuer, root, [2], 3)

    valid = verifier.verify(issued.credentials[0]).as_json()
    revoked = verifier.verify(issued.credentials[2]).as_json()

    assert valid["status"] == "valid"
    assert "anchorTransaction" not in valid["chain"]
    assert any("block range is too wide" in notice for notice in valid["notices"])
    assert (revoked["status"], revoked["verdict"], revoked["failedCheck"]) == (
        "invalid",
        "revoked",
        "revocation",
    )
    assert "this credential was revoked" in revoked["checks"][5]["detail"]
