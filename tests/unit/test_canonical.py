"""Our canonicalization equals the rfc8785 reference for every JSON value."""

from __future__ import annotations

import json
from typing import Any

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.credentials.canonical import canonicalize, credential_digest

JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=30,
)


def reference(value: Any) -> bytes | None:
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, TypeError, ValueError):
        return None


@settings(max_examples=500)
@given(JSON_VALUES)
def test_canonicalize_equals_rfc8785(value: Any) -> None:
    expected = reference(value)
    if expected is None:
        with pytest.raises(ValueError, match="canonicalizable"):
            canonicalize(value)
    else:
        assert canonicalize(value) == expected


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ({"b": 1, "a": [True, None]}, '{"a":[true,null],"b":1}'),
        ({"ects": 5.0}, '{"ects":5}'),
        ({"ects": 2.5}, '{"ects":2.5}'),
        ({"x": 1e-7}, '{"x":1e-7}'),
        ({"x": 1e21}, '{"x":1e+21}'),
        ({"name": 'Zofia Wiśniewska\n"€\u0007'}, '{"name":"Zofia Wiśniewska\\n\\"€\\u0007"}'),
        ({"\u20ac": 1, "\U0001f600": 2, "\ufb01": 3}, '{"€":1,"😀":2,"ﬁ":3}'),
    ],
)
def test_canonicalize_known_cases(value: Any, text: str) -> None:
    assert canonicalize(value).decode("utf-8") == text


@pytest.mark.parametrize(
    "bad", [{"x": float("nan")}, {"x": float("inf")}, {"x": 2**60}, {"x": "\ud800"}, {1: "a"}]
)
def test_canonicalize_refuses_what_json_cannot_carry(bad: Any) -> None:
    with pytest.raises(ValueError, match="canonicalizable"):
        canonicalize(bad)


def test_digest_ignores_proof_but_nothing_else() -> None:
    document = {"id": "urn:uuid:1", "salt": "0x" + "00" * 32, "proof": {"root": "0x1"}}

    with_other_proof = credential_digest({**document, "proof": {"root": "0x2"}})
    without_proof = credential_digest({k: v for k, v in document.items() if k != "proof"})
    reordered = credential_digest(json.loads(json.dumps(dict(reversed(list(document.items()))))))

    assert credential_digest(document) == with_other_proof == without_proof == reordered
    assert credential_digest({**document, "salt": "0x" + "00" * 31 + "01"}) != credential_digest(document)
