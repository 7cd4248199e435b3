"""OpenZeppelin ``StandardMerkleTree`` for the leaf encoding ``["bytes32"]``, in pure Python.

- leaf: ``keccak256(keccak256(digest))`` (``abi.encode`` of one bytes32 is the bytes themselves);
- node: ``keccak256(min(a, b) ‖ max(a, b))`` comparing 256-bit big-endian numbers;
- shape: leaves sorted ascending and laid out right to left at the end of a heap array of
  ``2n − 1`` nodes, exactly as ``@openzeppelin/merkle-tree`` builds it, so roots and paths match
  theirs byte for byte. A batch of one has its leaf as root and an empty path.

Not done here: nothing checks that a digest belongs to a well-formed credential, and the tree
holds digests only in memory; the caller persists what it must keep.
"""

from __future__ import annotations

from collections.abc import Sequence

from backend.hashing import HASH_SIZE, keccak256


def leaf_hash(digest: bytes) -> bytes:
    """The leaf of a credential whose digest is `digest`."""
    if len(digest) != HASH_SIZE:
        raise ValueError(f"a digest is {HASH_SIZE} bytes, got {len(digest)}: {digest!r}")
    return keccak256(keccak256(digest))


def hash_pair(a: bytes, b: bytes) -> bytes:
    """The parent of two nodes, hashed in ascending order (OpenZeppelin's commutative hash)."""
    return keccak256(a + b if a <= b else b + a)


def process_path(leaf: bytes, path: Sequence[bytes]) -> bytes:
    """The root reached from `leaf` along `path`."""
    node = leaf
    for sibling in path:
        node = hash_pair(node, sibling)
    return node


def verify_path(root: bytes, digest: bytes, path: Sequence[bytes]) -> bool:
    """Whether the credential with `digest` is in the tree with `root` by `path`."""
    return process_path(leaf_hash(digest), path) == root


class MerkleTree:
    """A batch's tree, built once from its digests in credential order (``credentialStatus.index``).

    Building costs n leaf hashes, n − 1 node hashes and one sort; each proof then costs
    O(log n) list look-ups, so all n proofs together are O(n log n).
    """

    __slots__ = ("_nodes", "_position")

    def __init__(self, digests: Sequence[bytes]) -> None:
        if not digests:
            raise ValueError("a Merkle tree needs at least one digest")
        leaves = [leaf_hash(d) for d in digests]
        order = sorted(range(len(leaves)), key=leaves.__getitem__)
        size = 2 * len(leaves) - 1
        nodes: list[bytes] = [b""] * size
        position = [0] * len(leaves)
        for rank, index in enumerate(order):
            at = size - 1 - rank
            nodes[at] = leaves[index]
            position[index] = at
        for at in range(size - 1 - len(leaves), -1, -1):
            nodes[at] = hash_pair(nodes[2 * at + 1], nodes[2 * at + 2])
        self._nodes = nodes
        self._position = position

    def __len__(self) -> int:
        return len(self._position)

    @property
    def root(self) -> bytes:
        return self._nodes[0]

    def leaf(self, index: int) -> bytes:
        """The leaf of the credential at `index` in the batch."""
        return self._nodes[self._position[index]]

    def proof(self, index: int) -> list[bytes]:
        """The sibling path from the leaf of credential `index` up to the root."""
        if not 0 <= index < len(self._position):
            raise IndexError(f"index {index!r} is outside a batch of {len(self._position)}")
        at = self._position[index]
        path = []
        while at > 0:
            path.append(self._nodes[at + 1 if at % 2 else at - 1])
            at = (at - 1) // 2
        return path
