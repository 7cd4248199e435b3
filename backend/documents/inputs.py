"""A credential as a verifier receives it: a JSON file, or a PDF certificate that embeds one."""

from __future__ import annotations

from typing import Any

from backend.credentials.files import load_credential
from backend.errors import MalformedInput

PDF_MAGIC = b"%PDF-"


def is_pdf(data: bytes) -> bool:
    return data[:1024].lstrip().startswith(PDF_MAGIC)


def credential_from_upload(data: bytes, *, source: str = "the file") -> Any:
    """The credential document in `data`: parsed JSON, or the JSON attached to a PDF.

    Raises:
        InvalidInput: neither JSON nor a PDF carrying a Microcred credential.
    """
    if not data.strip():
        raise MalformedInput(f"{source} is empty")
    if is_pdf(data):
        from backend.documents.pdf import extract_credential

        return extract_credential(data, source=source)
    return load_credential(data, source=source)
