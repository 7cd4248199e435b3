"""Stacking: one credential made of others (SPEC §6 ``microcred stack``).

Every component must verify as valid now (so none is revoked or expired) and be held by the
same learner; the stacked credential lists each component's id and digest, so a verifier given
the component files can check each of them too (``Verifier.verify(..., components=...)``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from backend.batches.service import IssuanceService
from backend.credentials.canonical import credential_digest
from backend.credentials.cohort import Learner
from backend.credentials.document import same_learner
from backend.errors import ChainUnavailable, InvalidInput, Problem
from backend.hashing import to_hex
from backend.store import BatchRow
from backend.verification import Verifier


def stack(
    issuance: IssuanceService,
    verifier: Verifier,
    *,
    issuer_id: int,
    template_id: int,
    components: Sequence[Any],
) -> tuple[dict[str, Any], BatchRow]:
    """Issue the stacked credential of `components` under the template `template_id`.

    Raises:
        InvalidInput: a component is not valid now, or they belong to different learners.
        ChainUnavailable: the chain could not be read to check the components.
    """
    if len(components) < 2:
        raise InvalidInput("a stacked credential is made of at least two components")
    problems = []
    for number, document in enumerate(components, start=1):
        report = verifier.verify(document)
        if report.status == "unavailable":
            raise ChainUnavailable(
                verifier.default_rpc or "the RPC endpoint", report.unavailable_reason or ""
            )
        if report.status != "valid":
            failed = report.failed
            detail = f"{failed.name}: {failed.detail}" if failed else report.verdict
            problems.append(Problem(f"is not valid ({report.verdict}) — {detail}", entry=number))
    ids = [d.get("id") for d in components if isinstance(d, dict)]
    if len(set(ids)) != len(ids):
        problems.append(Problem("the same credential is given twice"))
    if problems:
        raise InvalidInput("a component cannot be stacked", problems)
    learner = same_learner(components)
    if isinstance(learner, str):
        raise InvalidInput(learner)
    name, subject_id = learner
    listed = tuple({"id": d["id"], "digest": to_hex(credential_digest(d))} for d in components)
    batch = issuance.issue(issuer_id, template_id, [Learner(name, subject_id=subject_id, components=listed)])
    (row,) = issuance.store.credentials(batch.id)
    return issuance.credential_file(row), batch
