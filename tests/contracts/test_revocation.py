from __future__ import annotations

from typing import Any

import ape
import pytest

from tests.contracts.batches import SampleBatch
from tests.contracts.conftest import REASONS

VALID, UNKNOWN_BATCH, INVALID_PROOF, BATCH_REVOKED, CREDENTIAL_REVOKED, INDEX_OUT_OF_RANGE = range(6)


@pytest.fixture
def batch(registered: Any, issuer: Any) -> SampleBatch:
    batch = SampleBatch.random(10)
    registered.anchor(batch.root, batch.count, sender=issuer)
    return batch


def status(registry: Any, batch: SampleBatch, index: int) -> int:
    return int(registry.verify(batch.root, batch.digests[index], index, batch.tree.proof(index)))


def test_revoke_credentials_sets_bits_and_emits_each(
    registered: Any, issuer: Any, batch: SampleBatch
) -> None:
    receipt = registered.revokeCredentials(batch.root, [2, 7], REASONS["misconduct"], sender=issuer)

    assert receipt.events == [
        registered.CredentialRevoked(root=batch.root, index=2, reason=3),
        registered.CredentialRevoked(root=batch.root, index=7, reason=3),
    ]
    assert [registered.isRevoked(batch.root, i) for i in range(10)] == [i in (2, 7) for i in range(10)]
    assert status(registered, batch, 2) == CREDENTIAL_REVOKED
    assert status(registered, batch, 3) == VALID


def test_revoke_credentials_again_changes_nothing_and_emits_nothing(
    registered: Any, issuer: Any, batch: SampleBatch
) -> None:
    registered.revokeCredentials(batch.root, [4], REASONS["issued_in_error"], sender=issuer)

    again = registered.revokeCredentials(batch.root, [4], REASONS["holder_request"], sender=issuer)
    overlap = registered.revokeCredentials(batch.root, [4, 5, 5], REASONS["holder_request"], sender=issuer)

    assert again.events == []
    assert overlap.events == [registered.CredentialRevoked(root=batch.root, index=5, reason=5)]
    assert registered.isRevoked(batch.root, 4)


def test_revoke_credentials_rejects_index_out_of_range_and_keeps_state(
    registered: Any, issuer: Any, batch: SampleBatch
) -> None:
    with ape.reverts(registered.IndexOutOfRange, root=batch.root, index=10, count=10):
        registered.revokeCredentials(batch.root, [1, 10], 0, sender=issuer)

    assert not registered.isRevoked(batch.root, 1)


def test_revoke_requires_batch_issuer_or_registrar(
    registered: Any, other_issuer: Any, stranger: Any, batch: SampleBatch
) -> None:
    for account in (other_issuer, stranger):
        with ape.reverts(registered.NotBatchIssuer, root=batch.root, account=account):
            registered.revokeCredentials(batch.root, [0], 0, sender=account)
        with ape.reverts(registered.NotBatchIssuer, root=batch.root, account=account):
            registered.revokeBatch(batch.root, 0, sender=account)


def test_registrar_revokes_another_issuers_batch_for_key_compromise(
    registered: Any, admin: Any, batch: SampleBatch, chain: Any
) -> None:
    receipt = registered.revokeBatch(batch.root, REASONS["key_compromise"], sender=admin)

    _, _, revoked_at, count, reason = registered.batches(batch.root)
    assert revoked_at == chain.blocks[receipt.block_number].timestamp
    assert (count, reason) == (10, 4)
    assert receipt.events == [registered.BatchRevoked(root=batch.root, reason=4)]
    assert all(status(registered, batch, i) == BATCH_REVOKED for i in range(10))
    assert registered.isRevoked(batch.root, 0)


def test_revoke_batch_again_keeps_first_reason_and_emits_nothing(
    registered: Any, issuer: Any, batch: SampleBatch
) -> None:
    registered.revokeBatch(batch.root, REASONS["superseded"], sender=issuer)
    first = registered.batches(batch.root)

    again = registered.revokeBatch(batch.root, REASONS["misconduct"], sender=issuer)

    assert again.events == []
    assert registered.batches(batch.root) == first


def test_inactive_issuer_can_still_revoke_its_batch(
    registered: Any, admin: Any, issuer: Any, batch: SampleBatch
) -> None:
    registered.setIssuerActive(issuer, False, sender=admin)

    registered.revokeCredentials(batch.root, [0], REASONS["issued_in_error"], sender=issuer)

    assert registered.isRevoked(batch.root, 0)


def test_revocation_rejects_unknown_batch_and_reason(
    registered: Any, issuer: Any, batch: SampleBatch
) -> None:
    unknown = SampleBatch.random(1).root
    with ape.reverts(registered.UnknownBatch, root=unknown):
        registered.revokeBatch(unknown, 0, sender=issuer)
    with ape.reverts(registered.UnknownBatch, root=unknown):
        registered.revokeCredentials(unknown, [0], 0, sender=issuer)
    with ape.reverts(registered.InvalidReason, reason=6):
        registered.revokeBatch(batch.root, 6, sender=issuer)
    with ape.reverts(registered.InvalidReason, reason=255):
        registered.revokeCredentials(batch.root, [0], 255, sender=issuer)


def test_is_revoked_rejects_unknown_batch_and_index(registered: Any, batch: SampleBatch) -> None:
    unknown = SampleBatch.random(1).root
    with ape.reverts(registered.UnknownBatch, root=unknown):
        registered.isRevoked(unknown, 0)
    with ape.reverts(registered.IndexOutOfRange, root=batch.root, index=10, count=10):
        registered.isRevoked(batch.root, 10)


def test_verify_reports_each_status(registered: Any, batch: SampleBatch) -> None:
    proof = batch.tree.proof(3)
    assert registered.verify(batch.root, batch.digests[3], 3, proof) == VALID
    assert registered.verify(SampleBatch.random(1).root, batch.digests[3], 3, proof) == UNKNOWN_BATCH
    assert registered.verify(batch.root, batch.digests[4], 3, proof) == INVALID_PROOF
    assert registered.verify(batch.root, batch.digests[3], 10, proof) == INDEX_OUT_OF_RANGE
    assert registered.verify(batch.root, batch.tree.leaf(3), 3, proof) == INVALID_PROOF


def test_bulk_revocation_stays_within_its_gas_budget(registered: Any, issuer: Any) -> None:
    batch = SampleBatch.random(1_000)
    registered.anchor(batch.root, batch.count, sender=issuer)

    receipt = registered.revokeCredentials(batch.root, list(range(100, 200)), 1, sender=issuer)

    assert receipt.gas_used / 100 <= 3_500  # target of the foundation issue; 45,052 each at OpenAttestation
