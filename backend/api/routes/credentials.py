"""Credentials: the issuer's view, and the learner's public downloads (by the unguessable id)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from backend.api.deps import IssuanceDep, IssuerDep
from backend.api.schemas import CredentialSummary
from backend.credentials.files import MEDIA_TYPE, credential_bytes

router = APIRouter(prefix="/api/v1/credentials", tags=["credentials"])


def _file_name(credential_id: str, ending: str) -> str:
    return credential_id.replace("urn:uuid:", "credential-") + ending


@router.get("/{credential_id}.json")
def credential_file(credential_id: str, issuance: IssuanceDep) -> Response:
    """The learner's credential file, as issued (public: the id is the share secret)."""
    document = issuance.credential_file(issuance.store.credential(credential_id))
    return Response(
        credential_bytes(document),
        media_type=MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{_file_name(credential_id, ".json")}"'},
    )


@router.get("/{credential_id}")
def credential_record(credential_id: str, issuer: IssuerDep, issuance: IssuanceDep) -> dict[str, object]:
    """The issuer's record of one of its credentials: summary, revocation, and the file."""
    row = issuance.store.credential(credential_id, issuer_id=issuer.id)
    return {**CredentialSummary.of(row).model_dump(mode="json"), "credential": issuance.credential_file(row)}
