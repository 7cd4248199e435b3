"""Issuing: templates and their versions, and batches from draft to confirmed.

Each step records its result before the next begins (``BatchState``), so a crash, a stopped
chain or a closed laptop loses nothing: ``resume`` looks at what was recorded, and at the chain,
and carries on. The chain is only written by ``anchor``; everything before it is local.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

from eth_account.signers.local import LocalAccount

from backend.batches.builder import BatchContext, SealedBatch, seal_batch
from backend.chain.client import RegistryClient
from backend.credentials.cohort import Evidence, Learner
from backend.credentials.dates import format_rfc3339, parse_rfc3339, utc_now
from backend.credentials.document import IssuerProfile
from backend.credentials.files import credential_text
from backend.credentials.template import TemplateSpec, parse_template, template_slug, template_urn
from backend.errors import (
    BatchAlreadyAnchored,
    ChainUnavailable,
    ConfigurationError,
    Conflict,
    InvalidInput,
    MicrocredError,
    RegistryError,
    TransactionFailed,
)
from backend.hashing import from_hex32, to_hex
from backend.signing.eip712 import RegistryDomain
from backend.signing.keys import IssuerKey
from backend.store import BatchRow, BatchState, CredentialRow, IssuerRow, Store, TemplateRow

log = logging.getLogger("microcred.batches")

Progress = Callable[[str, int, int], None]
"""Called as ``progress(step, done, total)`` during long steps."""


def issuer_profile(row: IssuerRow) -> IssuerProfile:
    return IssuerProfile(address=row.address, name=row.name, url=row.url, country=row.country)


def template_spec(row: TemplateRow) -> TemplateSpec:
    return parse_template(json.loads(row.spec), source=f"template {row.slug} v{row.version}")


def learners_to_json(learners: Sequence[Learner]) -> str:
    return json.dumps(
        [_learner_json(learner) for learner in learners], ensure_ascii=False, separators=(",", ":")
    )


def _learner_json(learner: Learner) -> dict[str, Any]:
    data = {k: v for k, v in asdict(learner).items() if v not in (None, (), [])}
    if learner.evidence:
        data["evidence"] = [{"sha256": e.sha256, "name": e.name} for e in learner.evidence]
    if learner.components:
        data["components"] = [dict(c) for c in learner.components]
    return data


def learners_from_json(text: str) -> list[Learner]:
    learners = []
    for data in json.loads(text):
        evidence = tuple(Evidence(e["sha256"], e["name"]) for e in data.pop("evidence", []))
        components = tuple(data.pop("components", []))
        learners.append(Learner(**data, evidence=evidence, components=components))
    return learners


class IssuanceService:
    """Templates and batches of the issuers whose keys it holds (`keys`, by address)."""

    def __init__(
        self,
        store: Store,
        registry: RegistryClient,
        keys: Mapping[str, IssuerKey],
        *,
        relayer: LocalAccount | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.store = store
        self.registry = registry
        self.keys = keys
        self.relayer = relayer
        self.clock = clock

    def __repr__(self) -> str:
        return f"IssuanceService({self.store!r}, registry={self.registry.address}, issuers={list(self.keys)})"

    def key_for(self, issuer: IssuerRow) -> IssuerKey:
        key = self.keys.get(issuer.address)
        if key is None:
            raise ConfigurationError(
                f"this service holds no signing key for issuer {issuer.address}: "
                "set MICROCRED_ISSUER_KEYSTORE"
            )
        return key

    # ───────────────────────────── templates ─────────────────────────────

    def save_template(self, issuer_id: int, spec: TemplateSpec, *, slug: str | None = None) -> TemplateRow:
        """The template named `slug` (from its name by default): its latest version when the
        spec is the same, else a new version."""
        slug = slug or template_slug(spec.name)
        found = self.store.find_template(issuer_id=issuer_id, slug=slug, spec=spec.as_json())
        if found is not None:
            return found
        return self.store.add_template_version(
            issuer_id=issuer_id, slug=slug, urn_of=lambda v: template_urn(slug, v), spec=spec.as_json()
        )

    def new_template_version(self, issuer_id: int, template_id: int, spec: TemplateSpec) -> TemplateRow:
        """A new version of an existing template; batches issued before keep the version they used."""
        current = self.store.template(template_id, issuer_id=issuer_id)
        return self.store.add_template_version(
            issuer_id=issuer_id,
            slug=current.slug,
            urn_of=lambda v: template_urn(current.slug, v),
            spec=spec.as_json(),
        )

    # ───────────────────────────── batches ─────────────────────────────

    def create_batch(
        self,
        issuer_id: int,
        template_id: int,
        learners: Sequence[Learner],
        *,
        valid_from: datetime | None = None,
        valid_until: str | None = None,
    ) -> BatchRow:
        """Record a draft batch: the template version and the cohort, nothing signed yet."""
        issuer = self.store.issuer(issuer_id)
        self.key_for(issuer)
        template = self.store.template(template_id, issuer_id=issuer_id)
        if not learners:
            raise InvalidInput("a batch needs at least one learner")
        if valid_until is not None:
            valid_until = format_rfc3339(parse_rfc3339(valid_until, what="validUntil"))
        starts = format_rfc3339(valid_from or self.clock())
        until = valid_until or template_spec(template).valid_until
        if until is not None and parse_rfc3339(until) <= parse_rfc3339(starts):
            raise InvalidInput(f"validUntil {until} is not after validFrom {starts}")
        return self.store.add_batch(
            BatchRow(
                id=str(uuid.uuid4()),
                issuer_id=issuer_id,
                template_id=template_id,
                count=len(learners),
                chain_id=self.registry.chain_id,
                registry_address=self.registry.address,
                valid_from=starts,
                valid_until=valid_until,
                learners=learners_to_json(learners),
            )
        )

    def context(self, batch: BatchRow) -> BatchContext:
        template = self.store.template(batch.template_id)
        return BatchContext(
            issuer=issuer_profile(self.store.issuer(batch.issuer_id)),
            domain=RegistryDomain(batch.chain_id, batch.registry_address),
            template=template_spec(template),
            template_urn=template.urn,
            valid_from=batch.valid_from,
            valid_until=batch.valid_until,
        )

    def seal(self, batch_id: str, *, progress: Progress | None = None) -> BatchRow:
        """Build every credential, the tree and the proofs; sign the root; store it all at once."""
        batch = self.store.batch(batch_id)
        if batch.state != BatchState.DRAFT:
            return batch
        learners = learners_from_json(batch.learners)
        context = self.context(batch)
        key = self.key_for(self.store.issuer(batch.issuer_id))
        sealed = seal_batch(
            context,
            learners,
            progress=(lambda done: progress("hash", done, len(learners))) if progress else None,
        )
        signature = key.sign_batch(context.domain, root=sealed.root, count=sealed.count)
        # Another instance may have sealed it first (the row lock lets one through): then theirs
        # stands, ours is dropped unsent, and the caller carries on from the stored batch.
        with contextlib.suppress(Conflict):
            self.store.seal_batch(
                batch_id,
                root=to_hex(sealed.root),
                signature=to_hex(signature),
                credentials=self._credential_rows(batch_id, sealed, signature, progress),
            )
        return self.store.batch(batch_id)

    @staticmethod
    def _credential_rows(
        batch_id: str, sealed: SealedBatch, signature: bytes, progress: Progress | None
    ) -> Iterator[dict[str, Any]]:
        for index, credential in enumerate(sealed.credentials(signature)):
            entry, learner = sealed.entries[index], sealed.learners[index]
            if progress is not None and index % 5_000 == 0:
                progress("store", index, sealed.count)
            yield {
                "id": entry.credential_id,
                "batch_id": batch_id,
                "index": index,
                "learner_name": learner.name,
                "learner_email": learner.email,
                "salt": entry.salt,
                "digest": to_hex(entry.digest),
                "document": credential_text(credential),
            }
        if progress is not None:
            progress("store", sealed.count, sealed.count)

    def anchor(self, batch_id: str) -> BatchRow:
        """Put the sealed root on the chain and wait for it to be mined and confirmed.

        Raises:
            ChainUnavailable: the chain cannot be reached; the batch stays where it was, retry later.
            RegistryError: the registry refused it (inactive issuer…); the batch is marked failed.
        """
        batch = self.store.batch(batch_id)
        if batch.state == BatchState.SEALED:
            batch = self._submit(batch)
        if batch.state == BatchState.SUBMITTED:
            batch = self._mined(batch)
        if batch.state == BatchState.ANCHORED:
            assert batch.tx_hash is not None
            assert batch.block_number is not None
            self.registry.wait_for_confirmations(batch.tx_hash, batch.block_number)
            batch = self.store.update_batch(
                batch_id, expect=[BatchState.ANCHORED], state=BatchState.CONFIRMED
            )
        return batch

    def _submit(self, batch: BatchRow) -> BatchRow:
        assert batch.root is not None
        assert batch.signature is not None
        issuer = self.store.issuer(batch.issuer_id)
        root, signature = from_hex32(batch.root), bytes.fromhex(batch.signature[2:])
        try:
            if self.relayer is not None:
                tx_hash = self.registry.submit_anchor_signed(
                    self.relayer, root, batch.count, issuer=issuer.address, signature=signature
                )
            else:
                tx_hash = self.registry.submit_anchor(self.key_for(issuer).account, root, batch.count)
        except BatchAlreadyAnchored:
            return self._adopt_anchored(batch)
        except ChainUnavailable:
            raise
        except RegistryError as err:
            self.store.update_batch(batch.id, state=BatchState.FAILED, error=str(err))
            raise
        return self.store.update_batch(
            batch.id, expect=[BatchState.SEALED], state=BatchState.SUBMITTED, tx_hash=tx_hash
        )

    def _mined(self, batch: BatchRow) -> BatchRow:
        """The submitted batch once its transaction is mined.

        A transaction that reverted may still leave the root anchored: a run that stopped after
        sending, before recording it, and a second send made while the first was pending (it
        passed gas estimation, then met ``BatchExists``). The root is then adopted; otherwise
        nothing was anchored and the batch fails with the transaction named."""
        assert batch.tx_hash is not None
        assert batch.root is not None
        try:
            receipt = self.registry.wait_for_receipt(batch.tx_hash)
        except TransactionFailed as err:
            if not err.reverted:
                raise
            if self.registry.batch(from_hex32(batch.root)) is not None:
                return self._adopt_anchored(batch)
            self.store.update_batch(batch.id, state=BatchState.FAILED, error=f"{err}: nothing was anchored")
            raise
        return self.store.update_batch(
            batch.id,
            expect=[BatchState.SUBMITTED],
            state=BatchState.ANCHORED,
            block_number=receipt.block_number,
        )

    def _adopt_anchored(self, batch: BatchRow) -> BatchRow:
        """The root is on the chain already: ours (an earlier run sent it), or a conflict."""
        assert batch.root is not None
        root = from_hex32(batch.root)
        record = self.registry.batch(root)
        issuer = self.store.issuer(batch.issuer_id)
        if record is None or record.issuer != issuer.address or record.count != batch.count:
            message = f"root {batch.root} was anchored by {record.issuer if record else 'someone else'}"
            self.store.update_batch(batch.id, state=BatchState.FAILED, error=message)
            raise Conflict(message)
        found = self.registry.anchor_event(root)
        tx_hash, block = found if found is not None else (None, None)
        return self.store.update_batch(
            batch.id, state=BatchState.ANCHORED, tx_hash=tx_hash, block_number=block
        )

    def resume(self, batch_id: str, *, progress: Progress | None = None) -> BatchRow:
        """Carry a batch on from the state it was left in, to confirmed."""
        batch = self.store.batch(batch_id)
        if batch.state == BatchState.DRAFT:
            batch = self.seal(batch_id, progress=progress)
        if (
            batch.state == BatchState.SUBMITTED
            and batch.tx_hash
            and not self.registry.transaction_known(batch.tx_hash)
        ):
            assert batch.root is not None
            if self.registry.batch(from_hex32(batch.root)) is None:  # dropped: send it again
                batch = self.store.update_batch(batch_id, state=BatchState.SEALED, tx_hash=None)
        return self.anchor(batch_id)

    def carry_on(self, batch_id: str) -> BatchRow:
        """``resume``, for work nobody waits on (a background task, a restart): what stops it is
        logged and recorded on the batch, not raised."""
        try:
            return self.resume(batch_id)
        except MicrocredError as err:
            log.warning("batch %s stopped: %s", batch_id, err)
            batch = self.store.batch(batch_id)
            if batch.error is None:
                batch = self.store.update_batch(batch_id, error=str(err))
            return batch

    def resume_unfinished(self, *, stop: threading.Event | None = None) -> list[str]:
        """Carry on every batch a stopped service left between draft and confirmed."""
        unfinished = [BatchState.DRAFT, BatchState.SEALED, BatchState.SUBMITTED, BatchState.ANCHORED]
        done = []
        for batch in self.store.batches(states=unfinished):
            if stop is not None and stop.is_set():
                break
            if self.keys.get(self.store.issuer(batch.issuer_id).address) is None:
                continue  # another instance holds this issuer's key
            log.info("resuming batch %s (%s)", batch.id, batch.state)
            self.carry_on(batch.id)
            done.append(batch.id)
        return done

    def issue(
        self,
        issuer_id: int,
        template_id: int,
        learners: Sequence[Learner],
        *,
        valid_from: datetime | None = None,
        valid_until: str | None = None,
        progress: Progress | None = None,
    ) -> BatchRow:
        """Draft, seal, anchor and confirm one batch."""
        batch = self.create_batch(
            issuer_id, template_id, learners, valid_from=valid_from, valid_until=valid_until
        )
        self.seal(batch.id, progress=progress)
        return self.anchor(batch.id)

    # ───────────────────────────── credentials ─────────────────────────────

    def credential_file(self, row: CredentialRow, batch: BatchRow | None = None) -> dict[str, Any]:
        """The learner's file; the anchoring transaction is named once it is known (it is
        informational and outside the digest, SPEC §3)."""
        if row.document is None:
            raise Conflict(f"credential {row.id} is not sealed yet")
        document: dict[str, Any] = json.loads(row.document)
        batch = batch or self.store.batch(row.batch_id)
        if batch.tx_hash and "anchorTransaction" not in document["proof"]:
            document["proof"]["anchorTransaction"] = batch.tx_hash
        return document


__all__ = ["IssuanceService", "TransactionFailed", "issuer_profile", "learners_from_json", "template_spec"]
