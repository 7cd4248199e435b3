"""Reading uploaded files with a size limit, so that a huge upload is refused, not buffered."""

from __future__ import annotations

from fastapi import Request
from starlette.datastructures import UploadFile

from backend.errors import PayloadTooLarge

_CHUNK = 1 << 20


async def read_upload(upload: UploadFile, *, limit: int) -> bytes:
    parts, size = [], 0
    while chunk := await upload.read(_CHUNK):
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(limit)
        parts.append(chunk)
    return b"".join(parts)


async def read_body(request: Request, *, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(limit)
    parts, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(limit)
        parts.append(chunk)
    return b"".join(parts)
