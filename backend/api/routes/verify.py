"""``POST /api/v1/verify``: the report of SPEC §5 for a credential sent as JSON or as a file."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.datastructures import UploadFile

from backend.api.deps import SettingsDep, StoreDep, VerifierDep
from backend.api.routing import JsonRoute
from backend.api.uploads import read_body, read_upload
from backend.documents.inputs import credential_from_upload
from backend.errors import InvalidInput, UnsupportedMediaType
from backend.store import Store
from backend.verification import Report
from backend.verification.checks import WELL_FORMED

router = APIRouter(prefix="/api/v1", tags=["verification"], route_class=JsonRoute)

REPORT_EXAMPLE = {
    "status": "valid",
    "verdict": "valid",
    "failedCheck": None,
    "checks": [{"name": "format", "ok": True, "detail": WELL_FORMED}],
}


@router.post(
    "/verify",
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {"schema": {"type": "object", "description": "the credential file"}},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "file": {
                                "type": "string",
                                "format": "binary",
                                "description": "credential JSON or PDF",
                            },
                            "evidence": {"type": "array", "items": {"type": "string", "format": "binary"}},
                            "components": {"type": "array", "items": {"type": "string", "format": "binary"}},
                        },
                        "required": ["file"],
                    }
                },
            },
            "required": True,
        }
    },
    responses={200: {"content": {"application/json": {"example": REPORT_EXAMPLE}}}},
)
async def verify(
    request: Request, verifier: VerifierDep, store: StoreDep, settings: SettingsDep
) -> dict[str, Any]:
    """The seven checks (format, integrity, signature, anchor, issuer, revocation, validity),
    read from the chain now. ``status`` is ``valid``, ``invalid`` (with ``failedCheck``) or
    ``unavailable`` (the chain could not be read). Malformed input is 400, an upload over the
    limit 413."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    limit = settings.max_upload_bytes
    evidence: list[tuple[str, bytes]] = []
    components: list[Any] = []
    if content_type == "multipart/form-data":
        async with request.form(max_files=20, max_part_size=limit) as form:
            upload = form.get("file")
            if not isinstance(upload, UploadFile):
                raise InvalidInput("send the credential as the multipart field 'file'")
            data = await read_upload(upload, limit=limit)
            for item in form.getlist("evidence"):
                if isinstance(item, UploadFile):
                    evidence.append((item.filename or "evidence", await read_upload(item, limit=limit)))
            for item in form.getlist("components"):
                if isinstance(item, UploadFile):
                    name = item.filename or "component"
                    components.append(
                        credential_from_upload(await read_upload(item, limit=limit), source=name)
                    )
        source = upload.filename or "the uploaded file"
    elif content_type in ("application/json", "application/ld+json", ""):
        data, source = await read_body(request, limit=limit), "the request body"
    else:
        raise UnsupportedMediaType(content_type)
    document = credential_from_upload(data, source=source)
    report = verifier.verify(document, evidence=evidence, components=components)
    return report_with_store(report, store).as_json()


def report_with_store(report: Report, store: Store) -> Report:
    """The report, with what this service knows beyond the chain: the credential that replaces
    this one, when it issued both."""
    if report.claims is not None:
        report.replaced_by = store.replacement_of(report.claims.credential_id)
    return report
