"""Reading uploaded files with a size limit, so that a huge upload is refused, not buffered."""

from __future__ import annotations

from fastapi import UploadFile

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
