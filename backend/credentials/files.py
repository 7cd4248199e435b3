"""The credential file as learners receive it: UTF-8 JSON, indented two spaces, one final newline.

Only for people and tools reading the file: the digest never depends on this layout (it is
taken over the RFC 8785 form), so any JSON writer would do. orjson writes the same bytes as
``json.dumps(indent=2, ensure_ascii=False)`` about fifty times faster, which matters when a
batch writes a million files.
"""

from __future__ import annotations

from typing import Any

import orjson

from backend.errors import MalformedInput

MEDIA_TYPE = "application/json"


def credential_bytes(document: dict[str, Any]) -> bytes:
    return orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n"


def credential_text(document: dict[str, Any]) -> str:
    return credential_bytes(document).decode("utf-8")


def load_credential(data: bytes | str, *, source: str = "the credential") -> Any:
    """Parsed JSON of a credential file; the error says where the JSON breaks.

    Raises:
        MalformedInput: not UTF-8, or not JSON.
    """
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            raise MalformedInput(
                f"{source} is not a credential: a credential is JSON text or a PDF certificate, "
                f"and this is neither (byte {err.start} is not UTF-8)"
            ) from None
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as err:
        raise MalformedInput(
            f"{source} is not valid JSON: {err.msg} at line {err.lineno}, column {err.colno}"
        ) from None
