"""RFC 8785 JSON Canonicalization (JCS) and the credential digest of SPEC §2.

``digest = keccak256(utf8(JCS(document without "proof")))``.

JCS is written by the ``rfc8785`` package. For the documents Microcred handles (ASCII keys,
no floats outside the range where Python and ECMAScript print numbers alike) the C-accelerated
``json.dumps`` with sorted keys produces the same bytes, so that faster path is taken when a
walk of the value shows it is safe; a property test holds the two equal.
"""

from __future__ import annotations

import json
import json.encoder
import math
from functools import cache
from typing import Any

import rfc8785

from backend.hashing import keccak256

PROOF_MEMBER = "proof"

# Non-integral floats in [1e-4, 1e16) print the same in Python's repr and ECMAScript's
# Number::toString (shortest round-trip digits, fixed notation). Outside it, or for integral
# floats (JCS prints 5.0 as "5"), only the rfc8785 path is right.
_MIN_PLAIN_FLOAT = 1e-4
_MAX_PLAIN_FLOAT = 1e16
# JCS numbers are IEEE doubles: integers beyond 2**53 have no exact form and rfc8785 refuses them.
_MAX_SAFE_INTEGER = 2**53 - 1
_encode_string = json.encoder.encode_basestring


def canonicalize(value: Any) -> bytes:
    """The RFC 8785 canonical UTF-8 bytes of a JSON value.

    Raises:
        ValueError: `value` holds something JSON cannot carry (NaN, infinity, a lone surrogate,
            a non-string key, an unsupported type).
    """
    if _plain(value):
        try:
            text = json.dumps(
                value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
            )
            return text.encode("utf-8")
        except (TypeError, UnicodeEncodeError) as err:
            raise ValueError(f"not canonicalizable as JSON: {err}") from err
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, TypeError) as err:
        raise ValueError(f"not canonicalizable as JSON: {err}") from err


def credential_digest(document: dict[str, Any]) -> bytes:
    """The 32-byte digest of a credential: keccak256 of its canonical form without ``proof``."""
    body = {key: value for key, value in document.items() if key != PROOF_MEMBER}
    return keccak256(canonicalize(body))


def _plain(value: Any) -> bool:
    """Whether json.dumps(sort_keys=True) writes `value` exactly as JCS does."""
    if isinstance(value, dict):
        return all(isinstance(k, str) and k.isascii() and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(item) for item in value)
    if isinstance(value, float):
        return (
            math.isfinite(value)
            and not value.is_integer()
            and _MIN_PLAIN_FLOAT <= abs(value) < _MAX_PLAIN_FLOAT
        )
    if isinstance(value, int):
        return -_MAX_SAFE_INTEGER <= value <= _MAX_SAFE_INTEGER
    return value is None or isinstance(value, str)


def canonical_text(value: Any) -> str:
    """`canonicalize` as text, for composing a larger canonical document from its parts."""
    return canonicalize(value).decode("utf-8")


def canonical_string(text: str) -> str:
    """The JCS form of one string: quotes, ``\\"``, ``\\\\``, the short escapes and ``\\u00xx`` for other
    control characters, everything else as is. json's C encoder writes exactly that.

    Raises:
        ValueError: `text` holds a lone surrogate, which UTF-8 cannot carry.
    """
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as err:
            raise ValueError(f"not canonicalizable as JSON: {err}") from err
    return _encode_string(text)


def compose_object(members: dict[str, str]) -> str:
    """The JCS text of an object whose members' values are already canonical texts.

    JCS writes an object as its members sorted by key (UTF-16 code units) and each value in
    canonical form, so a part shared by many documents is canonicalized once and joined here.
    Keys must be ASCII (where UTF-16 and code-point order agree); every key of SPEC §1 is.
    """
    return "{" + ",".join(_key_text(key) + members[key] for key in sorted(members)) + "}"


@cache
def _key_text(key: str) -> str:
    if not key.isascii():
        raise ValueError(f"compose_object takes ASCII keys only, got {key!r}")
    return _encode_string(key) + ":"
