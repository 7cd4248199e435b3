"""Credentials: the issuer's view, and the learner's public downloads (by the unguessable id)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from backend.api.deps import IssuanceDep, IssuerDep, SettingsDep
from backend.api.routing import JsonRoute
from backend.api.schemas import CredentialSummary
from backend.credentials.files import MEDIA_TYPE, credential_bytes
from backend.documents.pdf import render_certificate
from backend.documents.qr import qr_png, qr_svg, share_url

router = APIRouter(prefix="/api/v1/credentials", tags=["credentials"], route_class=JsonRoute)


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


@router.get("/{credential_id}.pdf")
def credential_pdf(credential_id: str, issuance: IssuanceDep, settings: SettingsDep) -> Response:
    """The learner's A4 certificate, with a QR code of its share link and the JSON attached."""
    document = issuance.credential_file(issuance.store.credential(credential_id))
    pdf = render_certificate(
        document,
        share_url=share_url(settings.public_url, credential_id),
        verify_url=f"{settings.public_url.rstrip('/')}/verify",
    )
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{_file_name(credential_id, ".pdf")}"'},
    )


@router.get("/{credential_id}/qr.png")
def credential_qr_png(credential_id: str, issuance: IssuanceDep, settings: SettingsDep) -> Response:
    """A QR code of the credential's share link, ``MICROCRED_PUBLIC_URL/v/{id}``."""
    issuance.store.credential(credential_id)
    return Response(qr_png(share_url(settings.public_url, credential_id)), media_type="image/png")


@router.get("/{credential_id}/qr.svg")
def credential_qr_svg(credential_id: str, issuance: IssuanceDep, settings: SettingsDep) -> Response:
    issuance.store.credential(credential_id)
    return Response(qr_svg(share_url(settings.public_url, credential_id)), media_type="image/svg+xml")


@router.get("/{credential_id}")
def credential_record(credential_id: str, issuer: IssuerDep, issuance: IssuanceDep) -> dict[str, object]:
    """The issuer's record of one of its credentials: summary, revocation, and the file."""
    row = issuance.store.credential(credential_id, issuer_id=issuer.id)
    return {**CredentialSummary.of(row).model_dump(mode="json"), "credential": issuance.credential_file(row)}
