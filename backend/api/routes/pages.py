"""The verifier's pages: ``/verify`` (drop, choose or paste a credential) and ``/v/{id}`` (the
page a credential's QR code opens, verified live against the chain)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from starlette.datastructures import UploadFile

from backend.api.deps import IssuanceDep, SettingsDep, StoreDep, VerifierDep
from backend.api.routes.verify import report_with_store
from backend.api.routing import JsonRoute
from backend.api.uploads import read_upload
from backend.documents.inputs import credential_from_upload
from backend.errors import InvalidInput, PayloadTooLarge
from backend.store import BatchState
from backend.web.view import report_view

WEB = Path(__file__).resolve().parents[2] / "web"
templates = Jinja2Templates(directory=WEB / "templates")
router = APIRouter(tags=["pages"], include_in_schema=False, route_class=JsonRoute)


@router.get("/", response_class=RedirectResponse)
def home() -> RedirectResponse:
    return RedirectResponse("/verify")


@router.get("/verify", response_class=HTMLResponse, name="verify_page")
def verify_page(request: Request) -> HTMLResponse:
    return templates.TemplateResponse(request, "verify.html", {"view": None, "error": None})


@router.post("/verify", response_class=HTMLResponse, name="verify_upload")
async def verify_upload(
    request: Request, verifier: VerifierDep, store: StoreDep, settings: SettingsDep
) -> HTMLResponse:
    limit = settings.max_upload_bytes
    try:
        async with request.form(max_files=20, max_part_size=limit) as form:
            upload, pasted = form.get("file"), form.get("json")
            evidence = [
                (item.filename or "document", await read_upload(item, limit=limit))
                for item in form.getlist("evidence")
                if isinstance(item, UploadFile) and item.filename
            ]
            components = [
                credential_from_upload(
                    await read_upload(item, limit=limit), source=item.filename or "component"
                )
                for item in form.getlist("components")
                if isinstance(item, UploadFile) and item.filename
            ]
            if isinstance(upload, UploadFile) and upload.filename:
                data, source = await read_upload(upload, limit=limit), upload.filename
            elif isinstance(pasted, str) and pasted.strip():
                data, source = pasted.encode("utf-8"), "the pasted text"
            else:
                raise InvalidInput("choose a credential file, drop one on the box, or paste its JSON")
        document = credential_from_upload(data, source=source)
    except (InvalidInput, PayloadTooLarge) as err:
        status = 413 if isinstance(err, PayloadTooLarge) else 400
        context = {"view": None, "error": str(err).split("\n", 1)[0]}
        return templates.TemplateResponse(request, "verify.html", context, status_code=status)
    report = report_with_store(verifier.verify(document, evidence=evidence, components=components), store)
    return templates.TemplateResponse(request, "verify.html", {"view": report_view(report), "error": None})


@router.get("/v/{credential_id}", response_class=HTMLResponse, name="credential_page")
def credential_page(
    request: Request, credential_id: str, issuance: IssuanceDep, verifier: VerifierDep
) -> HTMLResponse:
    """Finds the credential this service issued and verifies it now, against the chain."""
    row = issuance.store.find_credential(credential_id)
    if row is None or row.document is None:
        return templates.TemplateResponse(
            request, "not_found.html", {"credential_id": credential_id}, status_code=404
        )
    report = report_with_store(verifier.verify(issuance.credential_file(row)), issuance.store)
    state = issuance.store.batch(row.batch_id).state
    pending = state in (BatchState.SEALED, BatchState.SUBMITTED, BatchState.ANCHORED)
    downloads = {
        "Credential file (JSON)": f"/api/v1/credentials/{credential_id}.json",
        "Certificate (PDF)": f"/api/v1/credentials/{credential_id}.pdf",
        "QR code (PNG)": f"/api/v1/credentials/{credential_id}/qr.png",
    }
    return templates.TemplateResponse(
        request, "credential.html", {"view": report_view(report, downloads=downloads, pending=pending)}
    )
