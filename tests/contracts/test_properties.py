"""Proofs built in Python are accepted by the deployed contract; any changed byte is refused."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.hashing import from_hex32
from tests.contracts.batches import SampleBatch
from tests.vectors_data import VECTOR_FILES, load_vector

VALID, UNKNOWN_BATCH, INVALID_PROOF = 0, 1, 2
CHAIN_SETTINGS = settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def flip(value: bytes, position: int, bit: int) -> bytes:
    changed = bytearray(value)
    changed[position % len(changed)] ^= 1 << bit
    return bytes(changed)


DIGESTS = st.lists(st.binary(min_size=32, max_size=32), min_size=1, max_size=70, unique=True)


@CHAIN_SETTINGS
@given(digests=DIGESTS, data=st.data())
def test_python_proofs_verify_on_chain_and_changed_bytes_fail(
    registered: Any, issuer: Any, digests: list[bytes], data: st.DataObject
) -> None:
    batch = SampleBatch.of(digests)
    count = batch.count
    if registered.batches(batch.root)[1] == 0:  # hypothesis replays examples on one chain
        registered.anchor(batch.root, count, sender=issuer)
    index = data.draw(st.integers(min_value=0, max_value=count - 1), label="index")
    proof = batch.tree.proof(index)
    digest = batch.digests[index]
    position = data.draw(st.integers(min_value=0, max_value=31), label="byte")
    bit = data.draw(st.integers(min_value=0, max_value=7), label="bit")

    assert registered.verify(batch.root, digest, index, proof) == VALID
    assert registered.verify(batch.root, flip(digest, position, bit), index, proof) == INVALID_PROOF
    assert registered.verify(flip(batch.root, position, bit), digest, index, proof) == UNKNOWN_BATCH
    if proof:
        step = data.draw(st.integers(min_value=0, max_value=len(proof) - 1), label="step")
        bad_path = [*proof[:step], flip(proof[step], position, bit), *proof[step + 1 :]]
        assert registered.verify(batch.root, digest, index, bad_path) == INVALID_PROOF
        assert registered.verify(batch.root, digest, index, proof[:-1]) == INVALID_PROOF


def test_every_proof_of_a_batch_verifies(registered: Any, issuer: Any) -> None:
    batch = SampleBatch.random(33)
    registered.anchor(batch.root, batch.count, sender=issuer)

    for index, digest in enumerate(batch.digests):
        assert registered.verify(batch.root, digest, index, batch.tree.proof(index)) == VALID


def test_shared_vectors_anchor_signed_and_verify(project: Any, admin: Any, stranger: Any, chain: Any) -> None:
    # The vectors' registry is what account 0 deploys at nonce 0 on a fresh Anvil, and their
    # issuer is account 0: ape's isolation gives this test the fresh chain.
    registry = admin.deploy(project.CredentialRegistry, admin)
    registry.registerIssuer(admin, "Poznan University of Technology", "https://put.poznan.pl", sender=admin)

    for name in VECTOR_FILES:
        vector = load_vector(name)
        assert (chain.chain_id, registry.address) == (vector["chainId"], vector["registry"])
        root = from_hex32(vector["root"])
        count = len(vector["items"])
        signature = bytes.fromhex(vector["eip712"]["signature"][2:])

        registry.anchorSigned(root, count, vector["issuer"], signature, sender=stranger)

        for index, item in enumerate(vector["items"]):
            path = [from_hex32(p) for p in item["path"]]
            assert registry.verify(root, from_hex32(item["digest"]), index, path) == VALID
