"""Revoking credentials and batches on the registry, and recording it where the service knows them.

A credential is named by its file (root and index are in it), so an issuer can revoke from the
command line with nothing but the file and its key; when the service issued the credential,
its database records the revocation too, for the issuer's listings and the superseded link.
The chain is the truth: verification reads the reason and date from the registry's events.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from backend.chain.client import REASONS, RegistryClient
from backend.credentials.document import parse_issuer_did
from backend.errors import ConfigurationError, InvalidInput, NotFound
from backend.hashing import from_hex32
from backend.signing.keys import IssuerKey
from backend.store import Store


def reason_code(name: str) -> int:
    """The registry's code of a reason named in snake case (``superseded`` → 2).

    Raises:
        InvalidInput: not a reason of SPEC §4.
    """
    normalized = name.strip().lower().replace("-", "_").replace(" ", "_")
    if normalized not in REASONS:
        raise InvalidInput(f"unknown revocation reason {name!r}: use one of {', '.join(REASONS)}")
    return REASONS.index(normalized)


@dataclass(frozen=True, slots=True)
class Target:
    """One credential to revoke: where it sits on the chain."""

    credential_id: str
    root: bytes
    index: int
    issuer: str
    registry: str


def target_of(document: Any, *, source: str = "the credential") -> Target:
    try:
        status, proof = document["credentialStatus"], document["proof"]
        _, issuer = parse_issuer_did(document["issuer"]["id"])
        return Target(
            document["id"], from_hex32(proof["root"]), int(status["index"]), issuer, status["registry"]
        )
    except (KeyError, TypeError, ValueError) as err:
        raise InvalidInput(
            f"{source} is not a Microcred credential (no root, index or issuer): {err}"
        ) from None


@dataclass(frozen=True, slots=True)
class Revoked:
    """What one revocation transaction did: `indexes` newly revoked for `reason` (empty when it
    revoked the whole batch), and `already`, asked for but revoked before, whose first reason
    stands (the registry never rewrites a revocation)."""

    transaction: str
    root: str
    indexes: tuple[int, ...]
    reason: str
    already: tuple[int, ...] = ()


class RevocationService:
    def __init__(
        self, registry: RegistryClient, keys: Mapping[str, IssuerKey], *, store: Store | None = None
    ) -> None:
        self.registry = registry
        self.keys = keys
        self.store = store

    def _key(self, issuer: str, *, acting_as: str | None) -> IssuerKey:
        address = acting_as or issuer
        key = self.keys.get(address)
        if key is None:
            raise ConfigurationError(
                f"no key for {address} is configured: only the batch's issuer (or a registrar) can revoke it"
            )
        return key

    def revoke_credentials(
        self,
        targets: Sequence[Target],
        reason: str,
        *,
        acting_as: str | None = None,
        replaced_by: str | None = None,
    ) -> list[Revoked]:
        """Revoke `targets`, one transaction per batch (the registry's bitmap)."""
        code = reason_code(reason)
        for target in targets:
            if target.registry != self.registry.address:
                raise InvalidInput(
                    f"credential {target.credential_id} is on registry {target.registry}, "
                    f"not {self.registry.address}"
                )
        by_batch: dict[tuple[bytes, str], list[Target]] = defaultdict(list)
        for target in targets:
            by_batch[(target.root, target.issuer)].append(target)
        done = []
        for (root, issuer), group in by_batch.items():
            key = self._key(issuer, acting_as=acting_as)
            indexes = sorted({t.index for t in group})
            receipt = self.registry.revoke_credentials(key.account, root, indexes, code)
            newly = set(receipt.revoked_indexes)
            self._record(
                [t.credential_id for t in group if t.index in newly], REASONS[code], replaced_by=replaced_by
            )
            done.append(
                Revoked(
                    receipt.tx_hash,
                    "0x" + root.hex(),
                    tuple(sorted(newly)),
                    REASONS[code],
                    already=tuple(i for i in indexes if i not in newly),
                )
            )
        return done

    def revoke_batch(self, root: bytes, issuer: str, reason: str, *, acting_as: str | None = None) -> Revoked:
        code = reason_code(reason)
        if self.registry.batch(root) is None:
            raise NotFound("batch", "0x" + root.hex())
        receipt = self.registry.revoke_batch(self._key(issuer, acting_as=acting_as).account, root, code)
        batch = self.store.batch_by_root("0x" + root.hex()) if self.store is not None else None
        if self.store is not None and batch is not None:
            now = datetime.now(UTC)
            self.store.update_batch(batch.id, revoked_at=now, revocation_reason=REASONS[code])
            ids = [row.id for row in self.store.iter_credentials(batch.id)]
            self.store.mark_revoked(ids, reason=REASONS[code], at=now)
        return Revoked(receipt.tx_hash, "0x" + root.hex(), (), REASONS[code])

    def _record(self, credential_ids: list[str], reason: str, *, replaced_by: str | None) -> None:
        if self.store is None or not credential_ids:
            return
        self.store.mark_revoked(credential_ids, reason=reason, at=datetime.now(UTC), replaced_by=replaced_by)
