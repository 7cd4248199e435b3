from __future__ import annotations

from typing import Any

import ape
import pytest

from tests.contracts.batches import SampleBatch

ZERO = "0x" + "00" * 20


def test_anchor_records_batch_in_one_slot_and_emits(registered: Any, issuer: Any, chain: Any) -> None:
    batch = SampleBatch.random(5)

    receipt = registered.anchor(batch.root, 5, sender=issuer)

    timestamp = chain.blocks[receipt.block_number].timestamp
    assert registered.batches(batch.root) == (issuer.address, timestamp, 0, 5, 0)
    assert receipt.events == [registered.BatchAnchored(root=batch.root, issuer=issuer, count=5)]
    assert receipt.gas_used <= 50_000


def test_anchor_rejects_empty_batch(registered: Any, issuer: Any) -> None:
    with ape.reverts(registered.EmptyBatch):
        registered.anchor(SampleBatch.random(1).root, 0, sender=issuer)


def test_anchor_rejects_root_anchored_before_by_anyone(
    registered: Any, issuer: Any, other_issuer: Any
) -> None:
    batch = SampleBatch.random(2)
    registered.anchor(batch.root, 2, sender=issuer)

    with ape.reverts(registered.BatchExists, root=batch.root):
        registered.anchor(batch.root, 2, sender=issuer)
    with ape.reverts(registered.BatchExists, root=batch.root):
        registered.anchor(batch.root, 3, sender=other_issuer)


def test_anchor_rejects_unregistered_sender(registered: Any, stranger: Any) -> None:
    with ape.reverts(registered.IssuerNotActive, issuer=stranger):
        registered.anchor(SampleBatch.random(1).root, 1, sender=stranger)


def test_inactive_issuer_cannot_anchor_but_old_batches_still_verify(
    registered: Any, admin: Any, issuer: Any
) -> None:
    old = SampleBatch.random(3)
    registered.anchor(old.root, 3, sender=issuer)

    registered.setIssuerActive(issuer, False, sender=admin)

    with ape.reverts(registered.IssuerNotActive, issuer=issuer):
        registered.anchor(SampleBatch.random(1).root, 1, sender=issuer)
    for index, digest in enumerate(old.digests):
        assert registered.verify(old.root, digest, index, old.tree.proof(index)) == 0


def test_anchor_signed_through_relayer(registered: Any, issuer: Any, stranger: Any, chain: Any) -> None:
    batch = SampleBatch.random(4)
    signature = batch.signature(issuer, registered, chain.chain_id)

    receipt = registered.anchorSigned(batch.root, 4, issuer, signature, sender=stranger)

    assert registered.batches(batch.root)[0] == issuer.address
    assert receipt.events == [registered.BatchAnchored(root=batch.root, issuer=issuer, count=4)]


def test_anchor_signed_rejects_other_signer(
    registered: Any, issuer: Any, other_issuer: Any, stranger: Any, chain: Any
) -> None:
    batch = SampleBatch.random(4)
    signature = batch.signature(other_issuer, registered, chain.chain_id)

    with ape.reverts(registered.InvalidSignature, issuer=issuer, signer=other_issuer):
        registered.anchorSigned(batch.root, 4, issuer, signature, sender=stranger)


def test_anchor_signed_rejects_signature_over_another_count(
    registered: Any, issuer: Any, stranger: Any, chain: Any
) -> None:
    batch = SampleBatch.random(4)
    signature = batch.signature(issuer, registered, chain.chain_id)

    with ape.reverts(registered.InvalidSignature):
        registered.anchorSigned(batch.root, 5, issuer, signature, sender=stranger)


@pytest.mark.parametrize("length", [0, 64, 66])
def test_anchor_signed_rejects_malformed_signature(
    registered: Any, issuer: Any, stranger: Any, length: int
) -> None:
    with ape.reverts(registered.InvalidSignature, issuer=issuer, signer=ZERO):
        registered.anchorSigned(SampleBatch.random(1).root, 1, issuer, b"\x01" * length, sender=stranger)


def test_anchor_signed_rejects_inactive_issuer(
    registered: Any, admin: Any, issuer: Any, stranger: Any, chain: Any
) -> None:
    batch = SampleBatch.random(2)
    signature = batch.signature(issuer, registered, chain.chain_id)
    registered.setIssuerActive(issuer, False, sender=admin)

    with ape.reverts(registered.IssuerNotActive, issuer=issuer):
        registered.anchorSigned(batch.root, 2, issuer, signature, sender=stranger)


def test_anchor_signed_rejects_signature_for_another_registry(
    project: Any, registered: Any, admin: Any, issuer: Any, stranger: Any, chain: Any
) -> None:
    elsewhere = admin.deploy(project.CredentialRegistry, admin)
    batch = SampleBatch.random(2)
    signature = batch.signature(issuer, elsewhere, chain.chain_id)

    with ape.reverts(registered.InvalidSignature):
        registered.anchorSigned(batch.root, 2, issuer, signature, sender=stranger)
