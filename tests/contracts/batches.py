"""Batches made in Python for the contract tests: random digests, their tree and proofs."""

from __future__ import annotations

import os
from dataclasses import dataclass

from backend.merkle import MerkleTree
from backend.signing.eip712 import RegistryDomain, sign_batch


@dataclass(frozen=True)
class SampleBatch:
    digests: list[bytes]
    tree: MerkleTree

    @classmethod
    def of(cls, digests: list[bytes]) -> SampleBatch:
        return cls(digests, MerkleTree(digests))

    @classmethod
    def random(cls, count: int) -> SampleBatch:
        return cls.of([os.urandom(32) for _ in range(count)])

    @property
    def root(self) -> bytes:
        return self.tree.root

    @property
    def count(self) -> int:
        return len(self.digests)

    def signature(self, account: object, registry: object, chain_id: int) -> bytes:
        key = bytes.fromhex(str(account.private_key)[2:])  # type: ignore[attr-defined]
        domain = RegistryDomain(chain_id, str(registry.address))  # type: ignore[attr-defined]
        return sign_batch(key, domain, root=self.root, count=self.count)
