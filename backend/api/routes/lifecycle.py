"""Revocation, correction, stacking and export: the issuer's routes for a credential's life."""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Body, Request, status
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from backend.api.deps import IssuanceDep, IssuerDep, SettingsDep, VerifierDep
from backend.api.routing import JsonRoute
from backend.api.schemas import BatchPublic
from backend.credentials.files import credential_bytes
from backend.documents.pdf import render_certificate
from backend.documents.qr import share_url
from backend.errors import Conflict, InvalidInput
from backend.hashing import from_hex32
from backend.lifecycle.stacking import stack
from backend.lifecycle.supersede import Correction, supersede
from backend.revocation.service import RevocationService, target_of
from backend.store import BatchState, row_id

router = APIRouter(prefix="/api/v1", tags=["lifecycle"], route_class=JsonRoute)


def _revocation(request: Request) -> RevocationService:
    service: RevocationService = request.app.state.revocation
    return service


class RevokeCredentials(BaseModel):
    credentials: list[str] = Field(min_length=1, max_length=10_000, description="credential ids (urn:uuid:…)")
    reason: str = Field(
        description="unspecified, issued_in_error, superseded, misconduct, key_compromise or holder_request"
    )


class RevokeBatch(BaseModel):
    reason: str


class SupersedeRequest(BaseModel):
    name: str | None = None
    grade: str | None = None
    subject_id: str | None = None
    template_id: int | None = None


class StackRequest(BaseModel):
    template_id: int
    components: list[dict[str, Any]] = Field(min_length=2, description="the component credential files")


@router.post("/credentials/revoke")
def revoke_credentials(
    request: Request, issuer: IssuerDep, issuance: IssuanceDep, body: Annotated[RevokeCredentials, Body()]
) -> dict[str, Any]:
    """Revoke some of the issuer's credentials: one transaction per batch (the registry's bitmap)."""
    rows = [issuance.store.credential(cid, issuer_id=row_id(issuer)) for cid in body.credentials]
    targets = [target_of(issuance.credential_file(row)) for row in rows]
    done = _revocation(request).revoke_credentials(targets, body.reason)
    return {
        "revoked": [
            {
                "transaction": r.transaction,
                "root": r.root,
                "indexes": r.indexes,
                "reason": r.reason,
                "already_revoked": r.already,
            }
            for r in done
        ]
    }


@router.post("/batches/{batch_id}/revoke")
def revoke_batch(
    request: Request,
    batch_id: str,
    issuer: IssuerDep,
    issuance: IssuanceDep,
    body: Annotated[RevokeBatch, Body()],
) -> BatchPublic:
    """Revoke every credential of a batch in one transaction."""
    batch = issuance.store.batch(batch_id, issuer_id=row_id(issuer))
    if batch.root is None or batch.state not in (BatchState.ANCHORED, BatchState.CONFIRMED):
        raise Conflict(f"batch {batch_id} is {batch.state}: only an anchored batch can be revoked")
    _revocation(request).revoke_batch(from_hex32(batch.root), issuer.address, body.reason)
    return BatchPublic.of(issuance.store.batch(batch_id))


@router.post("/credentials/{credential_id}/supersede", status_code=status.HTTP_201_CREATED)
def supersede_credential(
    request: Request,
    credential_id: str,
    issuer: IssuerDep,
    issuance: IssuanceDep,
    body: Annotated[SupersedeRequest, Body()],
) -> dict[str, Any]:
    """Re-issue a corrected credential in a new batch; the old one is revoked as superseded."""
    correction = Correction(
        name=body.name, grade=body.grade, subject_id=body.subject_id, template_id=body.template_id
    )
    new, batch = supersede(
        issuance,
        _revocation(request),
        issuer_id=row_id(issuer),
        credential_id=credential_id,
        correction=correction,
    )
    return {
        "credential": new,
        "replaces": credential_id,
        "batch": BatchPublic.of(batch).model_dump(mode="json"),
    }


@router.post("/stacks", status_code=status.HTTP_201_CREATED)
def stack_credentials(
    issuer: IssuerDep, issuance: IssuanceDep, verifier: VerifierDep, body: Annotated[StackRequest, Body()]
) -> dict[str, Any]:
    """Issue a credential made of components that are valid now and held by the same learner."""
    issuance.store.template(body.template_id, issuer_id=row_id(issuer))
    document, batch = stack(
        issuance, verifier, issuer_id=row_id(issuer), template_id=body.template_id, components=body.components
    )
    return {"credential": document, "batch": BatchPublic.of(batch).model_dump(mode="json")}


@router.get("/batches/{batch_id}/export.zip")
def export_batch(
    batch_id: str, issuer: IssuerDep, issuance: IssuanceDep, settings: SettingsDep
) -> StreamingResponse:
    """Every credential of the batch as JSON and PDF, in one zip, for the issuer to hand out."""
    batch = issuance.store.batch(batch_id, issuer_id=row_id(issuer))
    if batch.state in (BatchState.DRAFT, BatchState.FAILED):
        raise InvalidInput(f"batch {batch_id} is {batch.state}: it has no credentials to export")
    verify_url = f"{settings.public_url.rstrip('/')}/verify"
    spool = tempfile.SpooledTemporaryFile(max_size=64 * 1024 * 1024)  # noqa: SIM115 (closed by the stream)
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for row in issuance.store.iter_credentials(batch_id):
            document = issuance.credential_file(row, batch)
            name = row.id.removeprefix("urn:uuid:")
            archive.writestr(f"{name}.json", credential_bytes(document))
            pdf = render_certificate(
                document, share_url=share_url(settings.public_url, row.id), verify_url=verify_url
            )
            archive.writestr(f"{name}.pdf", pdf)
    spool.seek(0)

    def chunks() -> Iterator[bytes]:
        with spool:
            while chunk := spool.read(1 << 20):
                yield chunk

    return StreamingResponse(
        chunks(),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="batch-{batch_id}.zip"'},
    )
