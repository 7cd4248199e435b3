"""Batches: upload a cohort, follow the batch to confirmed, fetch its credentials."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, File, Form, Query, Response, UploadFile, status

from backend.api.deps import IssuanceDep, IssuerDep, SettingsDep, StoreDep
from backend.api.routing import JsonRoute
from backend.api.schemas import BatchPublic, CredentialSummary
from backend.api.uploads import read_upload
from backend.credentials.cohort import parse_cohort
from backend.signing.eip712 import MAX_BATCH_SIZE
from backend.store import row_id

router = APIRouter(prefix="/api/v1/batches", tags=["batches"], route_class=JsonRoute)


@router.post("", status_code=status.HTTP_202_ACCEPTED)
async def create_batch(
    response: Response,
    background: BackgroundTasks,
    issuer: IssuerDep,
    issuance: IssuanceDep,
    settings: SettingsDep,
    template_id: Annotated[int, Form(description="the template version to issue")],
    learners: Annotated[
        UploadFile,
        File(description="the cohort: CSV (name; optional email, id, grade, evidence) or JSON"),
    ],
    valid_until: Annotated[str | None, Form(description="RFC 3339 expiry")] = None,
) -> BatchPublic:
    """Check the cohort whole (any wrong row refuses it: 422 with every problem), record a draft,
    and issue it in the background: poll the batch until its state is ``confirmed``."""
    data = await read_upload(learners, limit=settings.max_cohort_bytes)
    cohort = parse_cohort(data, filename=learners.filename or "")
    batch = issuance.create_batch(row_id(issuer), template_id, cohort, valid_until=valid_until)
    background.add_task(issuance.carry_on, batch.id)
    response.headers["Location"] = f"/api/v1/batches/{batch.id}"
    return BatchPublic.of(batch)


@router.get("")
def list_batches(issuer: IssuerDep, store: StoreDep) -> list[BatchPublic]:
    return [BatchPublic.of(row) for row in store.batches(issuer_id=issuer.id)]


@router.get("/{batch_id}")
def show_batch(batch_id: str, issuer: IssuerDep, store: StoreDep) -> BatchPublic:
    return BatchPublic.of(store.batch(batch_id, issuer_id=issuer.id))


@router.post("/{batch_id}/resume", status_code=status.HTTP_202_ACCEPTED)
def resume_batch(
    batch_id: str, background: BackgroundTasks, issuer: IssuerDep, issuance: IssuanceDep
) -> BatchPublic:
    """Carry on a batch left unfinished (the chain was down, the service restarted)."""
    batch = issuance.store.batch(batch_id, issuer_id=issuer.id)
    background.add_task(issuance.carry_on, batch.id)
    return BatchPublic.of(batch)


@router.get("/{batch_id}/credentials")
def batch_credentials(
    batch_id: str,
    issuer: IssuerDep,
    store: StoreDep,
    offset: Annotated[int, Query(ge=0, le=MAX_BATCH_SIZE, description="the first index to list")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000, description="how many to list, at most 1000")] = 1000,
) -> list[CredentialSummary]:
    store.batch(batch_id, issuer_id=issuer.id)
    return [CredentialSummary.of(row) for row in store.credentials(batch_id, offset=offset, limit=limit)]
