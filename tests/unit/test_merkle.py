from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.hashing import keccak256
from backend.merkle import MerkleTree, hash_pair, leaf_hash, process_path, verify_path

DIGESTS = st.lists(st.binary(min_size=32, max_size=32), min_size=1, max_size=200)


def test_leaf_is_double_keccak_of_digest() -> None:
    digest = bytes(range(32))
    assert leaf_hash(digest) == keccak256(keccak256(digest))


def test_pair_hash_is_commutative_and_ordered() -> None:
    low, high = b"\x01" * 32, b"\x02" * 32
    assert hash_pair(low, high) == hash_pair(high, low) == keccak256(low + high)


def test_batch_of_one_has_leaf_as_root_and_empty_path() -> None:
    digest = b"\x07" * 32
    tree = MerkleTree([digest])
    assert tree.root == leaf_hash(digest)
    assert tree.proof(0) == []


@settings(max_examples=200)
@given(DIGESTS, st.data())
def test_every_proof_verifies_and_any_flipped_bit_fails(digests: list[bytes], data: st.DataObject) -> None:
    tree = MerkleTree(digests)
    index = data.draw(st.integers(0, len(digests) - 1))
    proof = tree.proof(index)
    assert verify_path(tree.root, digests[index], proof)

    position, bit = data.draw(st.integers(0, 31)), data.draw(st.integers(0, 7))
    changed = bytearray(digests[index])
    changed[position] ^= 1 << bit
    if bytes(changed) not in digests:
        assert not verify_path(tree.root, bytes(changed), proof)
    if proof:
        step = data.draw(st.integers(0, len(proof) - 1))
        bad = bytearray(proof[step])
        bad[position] ^= 1 << bit
        assert process_path(tree.leaf(index), [*proof[:step], bytes(bad), *proof[step + 1 :]]) != tree.root


def test_proof_length_is_logarithmic() -> None:
    tree = MerkleTree([i.to_bytes(32, "big") for i in range(1000)])
    assert max(len(tree.proof(i)) for i in range(1000)) == 10


def test_empty_tree_and_bad_index_are_refused() -> None:
    with pytest.raises(ValueError, match="at least one"):
        MerkleTree([])
    with pytest.raises(IndexError, match="outside a batch of 2"):
        MerkleTree([b"\x01" * 32, b"\x02" * 32]).proof(2)
    with pytest.raises(ValueError, match="32 bytes"):
        leaf_hash(b"short")
