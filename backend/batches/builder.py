"""Build a batch: every credential of a cohort, its digest, the Merkle tree and every proof.

Pure: values in, values out. Randomness (ids and salts) is a parameter so that tests can fix it;
the clock is the caller's `valid_from`. Signing is one call on the sealed root
(``backend.signing``); anchoring is the chain client's.

Speed: the members every credential of a batch shares (context, issuer, achievement, dates) are
canonicalized once, and each credential's canonical text is composed from them
(``compose_object``), so a credential costs one small JCS composition and three Keccak hashes.
Memory: a sealed batch keeps, per credential, its learner, id, salt and digest; documents are
rebuilt on demand (``credential``), never all held at once.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from backend.credentials.canonical import canonical_string, canonical_text, compose_object
from backend.credentials.cohort import Learner
from backend.credentials.document import (
    CONTEXT,
    CREDENTIAL_TYPE,
    PROOF_TYPE,
    PROOF_VERSION,
    STATUS_TYPE,
    SUBJECT_TYPE,
    IssuerProfile,
)
from backend.credentials.template import TemplateSpec
from backend.hashing import keccak256, to_hex
from backend.merkle import MerkleTree
from backend.signing.eip712 import MAX_BATCH_SIZE, RegistryDomain

RandomBytes = Callable[[int], bytes]
_ID_AND_SALT = 16 + 32
_RANDOM_CHUNK = 4096


@dataclass(frozen=True, slots=True)
class BatchContext:
    """What every credential of one batch shares."""

    issuer: IssuerProfile
    domain: RegistryDomain
    template: TemplateSpec
    template_urn: str
    valid_from: str
    valid_until: str | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    """One credential of a sealed batch, enough to rebuild its document exactly."""

    credential_id: str
    salt: str
    digest: bytes


class _Composer:
    """Documents and their canonical texts for one batch context."""

    def __init__(self, context: BatchContext) -> None:
        self.context = context
        until = context.valid_until or context.template.valid_until
        self.valid_until = until
        self.achievement = context.template.achievement(context.template_urn)
        self.issuer = context.issuer.as_json(context.domain.chain_id)
        registry = context.domain.registry
        shared: dict[str, Any] = {
            "@context": CONTEXT,
            "type": CREDENTIAL_TYPE,
            "issuer": self.issuer,
            "validFrom": context.valid_from,
            "name": self.achievement["name"],
        }
        if until is not None:
            shared["validUntil"] = until
        self.shared = {key: canonical_text(value) for key, value in shared.items()}
        self.achievement_text = canonical_text(self.achievement)
        self.subject_type_text = canonical_text(SUBJECT_TYPE)
        self.status_prefix = {
            "chainId": canonical_text(context.domain.chain_id),
            "registry": canonical_text(registry),
            "type": canonical_text(STATUS_TYPE),
        }

    def document(self, index: int, learner: Learner, entry_id: str, salt: str) -> dict[str, Any]:
        """The credential without its proof, its members in the order files show them."""
        subject: dict[str, Any] = {"type": list(SUBJECT_TYPE), "name": learner.name}
        if learner.subject_id is not None:
            subject["id"] = learner.subject_id
        subject["achievement"] = self.achievement
        if learner.grade is not None:
            subject["grade"] = learner.grade
        if learner.components:
            subject["components"] = [dict(c) for c in learner.components]
        document: dict[str, Any] = {
            "@context": list(CONTEXT),
            "id": entry_id,
            "type": list(CREDENTIAL_TYPE),
            "issuer": self.issuer,
            "validFrom": self.context.valid_from,
            "name": self.achievement["name"],
            "credentialSubject": subject,
            "credentialStatus": {
                "type": STATUS_TYPE,
                "chainId": self.context.domain.chain_id,
                "registry": self.context.domain.registry,
                "index": index,
            },
            "salt": salt,
        }
        if learner.evidence:
            document["evidence"] = [e.as_json() for e in learner.evidence]
        if learner.replaces is not None:
            document["replaces"] = learner.replaces
        if self.valid_until is not None:
            document["validUntil"] = self.valid_until
        return document

    def canonical(self, index: int, learner: Learner, entry_id: str, salt: str) -> str:
        """The JCS text of ``document(...)``, composed from the batch's shared parts."""
        subject = {
            "type": self.subject_type_text,
            "name": canonical_string(learner.name),
            "achievement": self.achievement_text,
        }
        if learner.subject_id is not None:
            subject["id"] = canonical_string(learner.subject_id)
        if learner.grade is not None:
            subject["grade"] = canonical_string(learner.grade)
        if learner.components:
            subject["components"] = canonical_text([dict(c) for c in learner.components])
        members = dict(self.shared)
        members["id"] = canonical_string(entry_id)
        members["salt"] = canonical_string(salt)
        members["credentialSubject"] = compose_object(subject)
        members["credentialStatus"] = compose_object({**self.status_prefix, "index": str(index)})
        if learner.evidence:
            members["evidence"] = canonical_text([e.as_json() for e in learner.evidence])
        if learner.replaces is not None:
            members["replaces"] = canonical_string(learner.replaces)
        return compose_object(members)


class SealedBatch:
    """A batch whose credentials, digests and tree are fixed: its root is ready to sign."""

    def __init__(self, context: BatchContext, learners: Sequence[Learner], entries: list[Entry]) -> None:
        self.context = context
        self.learners = learners
        self.entries = entries
        self.tree = MerkleTree([e.digest for e in entries])
        self._composer = _Composer(context)

    @property
    def root(self) -> bytes:
        return self.tree.root

    @property
    def count(self) -> int:
        return len(self.entries)

    def document(self, index: int) -> dict[str, Any]:
        """Credential `index` without its proof (what the digest covers)."""
        entry = self.entries[index]
        return self._composer.document(index, self.learners[index], entry.credential_id, entry.salt)

    def credential(
        self, index: int, signature: bytes, *, anchor_transaction: str | None = None
    ) -> dict[str, Any]:
        """The complete file learner `index` receives: the document and its proof (SPEC §3)."""
        document = self.document(index)
        document["proof"] = proof_member(
            self.root, self.tree.proof(index), self.count, signature, anchor_transaction=anchor_transaction
        )
        return document

    def credentials(
        self, signature: bytes, *, anchor_transaction: str | None = None
    ) -> Iterator[dict[str, Any]]:
        for index in range(self.count):
            yield self.credential(index, signature, anchor_transaction=anchor_transaction)


def proof_member(
    root: bytes, path: Sequence[bytes], count: int, signature: bytes, *, anchor_transaction: str | None = None
) -> dict[str, Any]:
    proof: dict[str, Any] = {
        "type": PROOF_TYPE,
        "version": PROOF_VERSION,
        "root": to_hex(root),
        "path": [to_hex(node) for node in path],
        "batchSize": count,
        "issuerSignature": to_hex(signature),
    }
    if anchor_transaction is not None:
        proof["anchorTransaction"] = anchor_transaction
    return proof


def seal_batch(
    context: BatchContext,
    learners: Sequence[Learner],
    *,
    random_bytes: RandomBytes = os.urandom,
    progress: Callable[[int], None] | None = None,
) -> SealedBatch:
    """Give every learner a credential id and a salt, hash each credential and build the tree.

    `progress`, when given, is called with the number of credentials hashed so far, every few
    thousand. Raises ValueError for an empty batch or one larger than a uint32 count.
    """
    if not 1 <= len(learners) <= MAX_BATCH_SIZE:
        raise ValueError(f"a batch holds 1 to {MAX_BATCH_SIZE:,} credentials, got {len(learners):,}")
    composer = _Composer(context)
    entries: list[Entry] = []
    randomness = b""
    for index, learner in enumerate(learners):
        offset = (index % _RANDOM_CHUNK) * _ID_AND_SALT
        if offset == 0:
            randomness = random_bytes(_ID_AND_SALT * _RANDOM_CHUNK)
            if progress is not None and index:
                progress(index)
        credential_id = f"urn:uuid:{uuid.UUID(bytes=randomness[offset : offset + 16], version=4)}"
        salt = "0x" + randomness[offset + 16 : offset + _ID_AND_SALT].hex()
        text = composer.canonical(index, learner, credential_id, salt)
        entries.append(Entry(credential_id, salt, keccak256(text.encode("utf-8"))))
    if progress is not None:
        progress(len(learners))
    return SealedBatch(context, learners, entries)


def rebuild_batch(context: BatchContext, learners: Sequence[Learner], entries: list[Entry]) -> SealedBatch:
    """A sealed batch from its stored parts (ids, salts, digests), e.g. after a restart."""
    return SealedBatch(context, learners, entries)
