"""Issuing batches end to end on a real Anvil, over SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest

from backend.batches.service import IssuanceService
from backend.chain.anvil import free_port
from backend.chain.client import RegistryClient
from backend.credentials.canonical import credential_digest
from backend.credentials.cohort import parse_csv
from backend.credentials.document import check_format
from backend.credentials.template import parse_template
from backend.errors import ChainUnavailable, IssuerNotActive, TransactionFailed
from backend.hashing import from_hex32
from backend.signing.eip712 import RegistryDomain, recover_batch_signer
from backend.store import BatchRow, BatchState
from tests.conftest import Deployed
from tests.samples import COHORT_CSV, TEMPLATE


def issuer_id(issuance: IssuanceService) -> int:
    (row,) = issuance.store.issuers()
    assert row.id is not None
    return row.id


def sealed_batch(issuance: IssuanceService) -> BatchRow:
    """The sample cohort as a batch sealed and signed, not yet sent."""
    me = issuer_id(issuance)
    template = issuance.save_template(me, parse_template(TEMPLATE))
    return issuance.seal(issuance.create_batch(me, template.id, parse_csv(COHORT_CSV)).id)  # type: ignore[arg-type]


def send_unestimated_anchor(registry: Deployed, root: bytes, count: int) -> str:
    """Send ``anchor(root, count)`` from the issuer with the gas given, so nothing estimates it
    (and sees a revert) first, as when an earlier send of it was still pending; wait until mined."""
    w3 = registry.registry.w3
    call = registry.registry.contract.functions.anchor(root, count)
    signed = registry.issuer.sign_transaction(
        call.build_transaction(
            {
                "from": registry.issuer.address,
                "nonce": w3.eth.get_transaction_count(registry.issuer.address),
                "gas": 200_000,
            }
        )
    )
    tx_hash = "0x" + w3.eth.send_raw_transaction(signed.raw_transaction).hex()
    w3.eth.wait_for_transaction_receipt(tx_hash)  # type: ignore[arg-type]
    return tx_hash


def test_batch_issued_end_to_end_verifies_on_chain_and_recovers_issuer(
    issuance: IssuanceService, registry: Deployed
) -> None:
    me = issuer_id(issuance)
    template = issuance.save_template(me, parse_template(TEMPLATE))

    batch = issuance.issue(me, template.id, parse_csv(COHORT_CSV))  # type: ignore[arg-type]

    assert batch.state == BatchState.CONFIRMED
    assert batch.tx_hash is not None
    root = from_hex32(batch.root or "")
    record = registry.registry.batch(root)
    assert record is not None
    assert (record.issuer, record.count) == (registry.issuer.address, 4)
    rows = issuance.store.credentials(batch.id)
    assert [row.learner_email for row in rows] == [
        "zofia@example.eu",
        "jl@example.fr",
        None,
        "bruce@example.hk",
    ]
    domain = RegistryDomain(registry.registry.chain_id, registry.registry.address)
    for row in rows:
        credential = issuance.credential_file(row)
        proof = credential["proof"]
        digest = credential_digest(credential)
        path = [from_hex32(p) for p in proof["path"]]
        assert check_format(credential) == []
        assert (
            registry.registry.verify(root, digest, credential["credentialStatus"]["index"], path) == "valid"
        )
        signer = recover_batch_signer(
            domain, root=root, count=4, signature=bytes.fromhex(proof["issuerSignature"][2:])
        )
        assert credential["issuer"]["id"].endswith(signer)
        assert proof["anchorTransaction"] == batch.tx_hash
        assert credential["credentialSubject"]["achievement"]["id"] == template.urn


def test_each_state_is_recorded_and_resume_carries_on_after_chain_was_down(
    issuance: IssuanceService, registry: Deployed
) -> None:
    me = issuer_id(issuance)
    template = issuance.save_template(me, parse_template(TEMPLATE))
    draft = issuance.create_batch(me, template.id, parse_csv(COHORT_CSV))  # type: ignore[arg-type]
    assert draft.state == BatchState.DRAFT
    sealed = issuance.seal(draft.id)
    assert sealed.state == BatchState.SEALED
    assert len(issuance.store.credentials(draft.id)) == 4

    down = RegistryClient.connect(f"http://127.0.0.1:{free_port()}", registry.registry.address, timeout=2)
    offline = IssuanceService(issuance.store, down, issuance.keys)
    with pytest.raises(ChainUnavailable):
        offline.anchor(draft.id)
    assert issuance.store.batch(draft.id).state == BatchState.SEALED

    resumed = issuance.resume(draft.id)

    assert resumed.state == BatchState.CONFIRMED
    assert registry.registry.batch(from_hex32(resumed.root or "")) is not None


def test_resume_adopts_a_root_an_interrupted_run_already_anchored(
    issuance: IssuanceService, registry: Deployed
) -> None:
    batch = sealed_batch(issuance)
    # The transaction went out but the run stopped before recording it.
    registry.registry.anchor(registry.issuer, from_hex32(batch.root or ""), batch.count)

    resumed = issuance.resume(batch.id)

    assert resumed.state == BatchState.CONFIRMED
    assert resumed.tx_hash is not None


def test_resume_adopts_the_root_when_a_second_send_of_it_reverted(
    issuance: IssuanceService, registry: Deployed
) -> None:
    batch = sealed_batch(issuance)
    root = from_hex32(batch.root or "")
    # A run sent the anchor and stopped before recording it; the next run sent it again while
    # the first was still pending, so the second passed gas estimation and reverted when mined.
    first = registry.registry.anchor(registry.issuer, root, batch.count)
    reverted = send_unestimated_anchor(registry, root, batch.count)
    assert registry.registry.w3.eth.get_transaction_receipt(reverted)["status"] == 0  # type: ignore[arg-type]
    issuance.store.update_batch(batch.id, state=BatchState.SUBMITTED, tx_hash=reverted)

    resumed = issuance.resume(batch.id)

    assert resumed.state == BatchState.CONFIRMED
    assert resumed.tx_hash == first.tx_hash
    assert resumed.block_number == first.block_number


def test_a_reverted_anchor_that_put_nothing_on_chain_fails_the_batch(
    issuance: IssuanceService, registry: Deployed
) -> None:
    batch = sealed_batch(issuance)
    # The issuer was made inactive between the send and its mining: the anchor reverted.
    registry.registry.set_issuer_active(registry.admin, registry.issuer.address, False)
    reverted = send_unestimated_anchor(registry, from_hex32(batch.root or ""), batch.count)
    issuance.store.update_batch(batch.id, state=BatchState.SUBMITTED, tx_hash=reverted)

    with pytest.raises(TransactionFailed):
        issuance.resume(batch.id)

    failed = issuance.store.batch(batch.id)
    assert failed.state == BatchState.FAILED
    assert reverted in (failed.error or "")
    assert "nothing was anchored" in (failed.error or "")


def test_inactive_issuer_batch_is_marked_failed_with_the_reason(
    issuance: IssuanceService, registry: Deployed
) -> None:
    me = issuer_id(issuance)
    template = issuance.save_template(me, parse_template(TEMPLATE))
    registry.registry.set_issuer_active(registry.admin, registry.issuer.address, False)

    with pytest.raises(IssuerNotActive):
        issuance.issue(me, template.id, parse_csv(COHORT_CSV))  # type: ignore[arg-type]

    (batch,) = issuance.store.batches()
    assert batch.state == BatchState.FAILED
    assert "IssuerNotActive" in (batch.error or "")


def test_relayer_anchors_with_the_issuers_signature(issuance: IssuanceService, registry: Deployed) -> None:
    relayed = IssuanceService(issuance.store, issuance.registry, issuance.keys, relayer=registry.other)
    me = issuer_id(issuance)
    template = relayed.save_template(me, parse_template(TEMPLATE))
    before = registry.registry.w3.eth.get_balance(registry.issuer.address)

    batch = relayed.issue(me, template.id, parse_csv(COHORT_CSV))  # type: ignore[arg-type]

    record = registry.registry.batch(from_hex32(batch.root or ""))
    assert record is not None
    assert record.issuer == registry.issuer.address
    assert registry.registry.w3.eth.get_balance(registry.issuer.address) == before  # the relayer paid
    tx = registry.registry.w3.eth.get_transaction(batch.tx_hash)  # type: ignore[arg-type]
    assert tx["from"] == registry.other.address


def test_template_versions_and_each_batch_keeps_its_version(issuance: IssuanceService) -> None:
    me = issuer_id(issuance)
    first = issuance.save_template(me, parse_template(TEMPLATE))
    assert issuance.save_template(me, parse_template(TEMPLATE)).id == first.id  # same spec: reused
    old_batch = issuance.seal(issuance.create_batch(me, first.id, parse_csv(COHORT_CSV)).id)  # type: ignore[arg-type]

    second = issuance.new_template_version(me, first.id, parse_template({**TEMPLATE, "eqfLevel": 5}))  # type: ignore[arg-type]
    new_batch = issuance.seal(issuance.create_batch(me, second.id, parse_csv(COHORT_CSV)).id)  # type: ignore[arg-type]

    assert (first.version, second.version) == (1, 2)
    assert second.urn == first.urn + ":v2"
    old = json.loads(issuance.store.credentials(old_batch.id)[0].document or "")
    new = json.loads(issuance.store.credentials(new_batch.id)[0].document or "")
    assert old["credentialSubject"]["achievement"]["eqfLevel"] == 6
    assert new["credentialSubject"]["achievement"]["eqfLevel"] == 5
    assert (old_batch.template_id, new_batch.template_id) == (first.id, second.id)


def test_a_batch_sealed_twice_keeps_the_first_seal(issuance: IssuanceService) -> None:
    """Two instances may take up the same draft (PostgreSQL, several services): one seal stands."""
    me = issuer_id(issuance)
    template = issuance.save_template(me, parse_template(TEMPLATE))
    draft = issuance.create_batch(me, template.id, parse_csv(COHORT_CSV))  # type: ignore[arg-type]

    class StaleStore(type(issuance.store)):  # type: ignore[misc]
        """The other instance's view: it read the batch while it was still a draft."""

        served = False

        def batch(self, batch_id: str, *, issuer_id: int | None = None) -> BatchRow:
            if not self.served:
                self.served = True
                return draft
            return super().batch(batch_id, issuer_id=issuer_id)

    other_store = StaleStore(issuance.store.engine.url.render_as_string(hide_password=False))
    other = IssuanceService(other_store, issuance.registry, issuance.keys)
    first = issuance.seal(draft.id)

    again = other.seal(draft.id)

    other_store.dispose()
    assert again.state == BatchState.SEALED
    assert again.root == first.root
    assert len(issuance.store.credentials(draft.id)) == 4
