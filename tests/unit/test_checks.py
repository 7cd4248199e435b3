"""The offline checks accept the shared vectors, and refuse them once any value changes."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.chain.client import BatchRecord, IssuerRecord, Revocation
from backend.verification.checks import ChainFacts, check_against_chain, check_document
from tests.vectors_data import VECTOR_FILES, load_vector

CREDENTIALS = [item["credential"] for name in VECTOR_FILES for item in load_vector(name)["items"]]
NOW = datetime(2027, 1, 1, tzinfo=UTC)


def leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [p for key, v in value.items() for p in leaves(v, (*path, key))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in leaves(v, (*path, i))]
    return [path]


def changed(document: dict[str, Any], path: tuple[Any, ...]) -> dict[str, Any]:
    copy_ = copy.deepcopy(document)
    target = copy_
    for step in path[:-1]:
        target = target[step]
    value = target[path[-1]]
    if isinstance(value, bool):
        target[path[-1]] = not value
    elif isinstance(value, int | float):
        target[path[-1]] = value + 1
    elif isinstance(value, str) and value.startswith("0x") and len(value) > 3:
        target[path[-1]] = value[:-1] + ("1" if value[-1] == "0" else "0")
    else:
        target[path[-1]] = value + "x"
    return copy_


@pytest.mark.parametrize("index", range(len(CREDENTIALS)))
def test_vector_credentials_are_intact(index: int) -> None:
    checks, claims = check_document(CREDENTIALS[index])
    assert [(c.name, c.ok) for c in checks] == [("format", True), ("integrity", True), ("signature", True)]
    assert claims is not None


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_any_changed_value_is_refused(data: st.DataObject) -> None:
    document = data.draw(st.sampled_from(CREDENTIALS))
    path = data.draw(st.sampled_from([p for p in leaves(document) if p != ("proof", "anchorTransaction")]))

    checks, _ = check_document(changed(document, path))

    assert checks[-1].ok is False, path


def facts(**overrides: Any) -> ChainFacts:
    values: dict[str, Any] = {
        "block_number": 10,
        "batch": BatchRecord("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", 1_764_756_000, 0, 5, 0),
        "issuer": IssuerRecord("Poznan University of Technology", "https://put.poznan.pl", True, 1),
        "index_revoked": False,
    }
    values.update(overrides)
    return ChainFacts(**values)


def claims_of(document: dict[str, Any]) -> Any:
    _, claims = check_document(document)
    return claims


def test_unregistered_issuer_fails_issuer_check() -> None:
    claims = claims_of(load_vector("batch-5.json")["items"][0]["credential"])
    checks, _ = check_against_chain(claims, facts(issuer=IssuerRecord("", "", False, 0)), now=NOW)
    assert [(c.name, c.ok) for c in checks] == [("anchor", True), ("issuer", False)]
    assert "not a registered issuer" in checks[-1].detail


def test_batch_of_another_issuer_or_size_fails_anchor() -> None:
    claims = claims_of(load_vector("batch-5.json")["items"][0]["credential"])
    other = BatchRecord("0x70997970C51812dc3A010C7d01b50e0d17dc79C8", 1, 0, 5, 0)
    assert check_against_chain(claims, facts(batch=other), now=NOW)[0][0].detail.startswith(
        "the batch was anchored by"
    )
    bigger = BatchRecord("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", 1, 0, 6, 0)
    assert "records 6 credentials" in check_against_chain(claims, facts(batch=bigger), now=NOW)[0][0].detail


def test_revocation_reason_and_date_come_from_the_event() -> None:
    claims = claims_of(load_vector("batch-5.json")["items"][3]["credential"])
    event = Revocation(reason=5, index=3, block_number=9, timestamp=1_767_225_600, tx_hash="0x" + "ab" * 32)
    checks, _ = check_against_chain(claims, facts(index_revoked=True, revocations=(event,)), now=NOW)
    assert checks[-1].detail == "this credential was revoked on 2026-01-01 00:00 UTC, reason: holder request"


def test_validity_boundaries() -> None:
    document = load_vector("batch-3-with-evidence.json")["items"][0]["credential"]  # 2026-12-03 to 2031-12-03
    claims = claims_of(document)
    at = [
        datetime(2026, 12, 3, 9, 59, 59, tzinfo=UTC),
        datetime(2026, 12, 3, 10, tzinfo=UTC),
        datetime(2031, 12, 3, 10, tzinfo=UTC),
    ]
    results = [
        check_against_chain(claims, facts(batch=BatchRecord(claims.issuer, 1, 0, 3, 0)), now=t)[0][-1]
        for t in at
    ]
    assert [r.ok for r in results] == [False, True, False]
    assert results[0].detail.startswith("not valid before")
    assert results[2].detail.startswith("expired on")


@pytest.mark.parametrize("bad", [[], "text", {"id": 1}, {"proof": None}, {**CREDENTIALS[0], "salt": 5}])
def test_malformed_documents_fail_format_with_the_field_named(bad: Any) -> None:
    checks, claims = check_document(bad)
    assert [(c.name, c.ok) for c in checks] == [("format", False)]
    assert claims is None


def test_document_without_canonical_form_fails_integrity_not_crashes() -> None:
    document = {**CREDENTIALS[0], "extension": 2**60}
    checks, _ = check_document(document)
    assert checks[-1].name == "integrity"
    assert checks[-1].ok is False
