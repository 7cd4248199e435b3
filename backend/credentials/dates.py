"""RFC 3339 timestamps as the format writes them: UTC, whole seconds, ``Z`` (``2026-12-03T10:00:00Z``)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

_RFC3339 = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def parse_rfc3339(text: object, *, what: str = "timestamp") -> datetime:
    """An aware datetime from an RFC 3339 date-time; the error quotes the value.

    Raises:
        ValueError: `text` is not an RFC 3339 date-time with a time zone.
    """
    if not isinstance(text, str) or not _RFC3339.match(text):
        raise ValueError(f"{what} must be an RFC 3339 date-time such as 2026-12-03T10:00:00Z, got {text!r}")
    try:
        return datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{what} is not a real date and time: {text!r}") from None


def format_rfc3339(moment: datetime) -> str:
    """`moment` in UTC with whole seconds and a ``Z``, the one form credentials carry."""
    if moment.tzinfo is None:
        raise ValueError(f"a naive datetime has no time zone: {moment!r}")
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
