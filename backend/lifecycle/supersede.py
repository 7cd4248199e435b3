"""Correcting a credential: re-issue it in a new batch naming the old one (``replaces``), then
revoke the old one with reason Superseded. The old one's page links to the new.

Safe to repeat: the link old → new is recorded before the old one is revoked, so a run stopped
between the two steps (the chain went away) only revokes when it runs again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from backend.batches.service import IssuanceService
from backend.credentials.cohort import Evidence, Learner
from backend.errors import Conflict
from backend.revocation.service import RevocationService, target_of
from backend.store import BatchRow


@dataclass(frozen=True, slots=True)
class Correction:
    """What changes; None keeps the old value. `template_id` re-issues under another template version."""

    name: str | None = None
    grade: str | None = None
    subject_id: str | None = None
    template_id: int | None = None


def supersede(
    issuance: IssuanceService,
    revocation: RevocationService,
    *,
    issuer_id: int,
    credential_id: str,
    correction: Correction,
) -> tuple[dict[str, Any], BatchRow]:
    """The corrected credential and its batch; the old credential ends revoked as superseded."""
    store = issuance.store
    old_row = store.credential(credential_id, issuer_id=issuer_id)
    old = issuance.credential_file(old_row)
    if old_row.revocation_reason is not None and old_row.replaced_by is None:
        raise Conflict(
            f"credential {credential_id} was revoked ({old_row.revocation_reason}); it cannot be corrected"
        )
    if old_row.replaced_by is not None:
        new_row = store.credential(old_row.replaced_by)
        batch = store.batch(new_row.batch_id)
    else:
        old_batch = store.batch(old_row.batch_id)
        subject = old["credentialSubject"]
        learner = Learner(
            name=correction.name or subject["name"],
            email=old_row.learner_email,
            subject_id=correction.subject_id or subject.get("id"),
            grade=correction.grade if correction.grade is not None else subject.get("grade"),
            evidence=tuple(
                Evidence(e["id"].removeprefix("urn:sha256:"), e["name"]) for e in old.get("evidence", [])
            ),
            replaces=credential_id,
            components=tuple(subject.get("components", [])),
        )
        batch = issuance.issue(
            issuer_id,
            correction.template_id or old_batch.template_id,
            [learner],
            valid_until=old.get("validUntil"),
        )
        (new_row,) = store.credentials(batch.id)
        store.set_replaced_by(credential_id, new_row.id)
    if old_row.revoked_at is None:
        revocation.revoke_credentials([target_of(old)], "superseded", replaced_by=new_row.id)
    return issuance.credential_file(new_row), batch
