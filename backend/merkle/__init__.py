"""The Merkle rules of SPEC §2, written once: leaf, node, tree, proof and path check."""

from backend.merkle.tree import MerkleTree, hash_pair, leaf_hash, process_path, verify_path

__all__ = ["MerkleTree", "hash_pair", "leaf_hash", "process_path", "verify_path"]
