from __future__ import annotations

import pytest

from backend.credentials.cohort import Evidence, parse_cohort, parse_csv, parse_json
from backend.errors import InvalidInput, Problem
from tests.samples import COHORT_CSV


def refused(data: bytes, **options: object) -> list[Problem]:
    with pytest.raises(InvalidInput) as caught:
        parse_cohort(data, **options)  # type: ignore[arg-type]
    return caught.value.problems


def test_csv_with_quotes_commas_and_unicode() -> None:
    learners = parse_csv(COHORT_CSV)

    assert [learner.name for learner in learners] == [
        "Wiśniewska, Zofia",
        "Jean-Luc Dupré",
        'Ana "Anita" Núñez',
        "李小龍 (Bruce Lee)",
    ]
    assert learners[0].grade == "5.0 (bardzo dobry)"
    assert learners[1].subject_id == "did:example:jl"
    assert learners[2].email is None
    assert [learner.line for learner in learners] == [2, 3, 4, 5]


def test_csv_byte_order_mark_and_crlf_are_accepted() -> None:
    learners = parse_csv("\ufeffName,Email\r\nZofia,z@example.eu\r\n".encode())
    assert (learners[0].name, learners[0].email) == ("Zofia", "z@example.eu")


def test_line_numbers_count_physical_lines_of_multiline_fields() -> None:
    data = b'name,grade\n"Zofia\nW",5\n,4\n'
    (problem,) = refused(data)
    assert (problem.line, problem.field) == (4, "name")


def test_missing_name_column_is_refused_on_line_1() -> None:
    (problem,) = refused(b"email,grade\na@b.eu,5\n", filename="L.csv")
    assert problem.line == 1
    assert "no 'name' column" in problem.message


def test_unknown_column_is_named() -> None:
    (problem,) = refused(b"name,nmae\nZofia,x\n")
    assert "unknown column 'nmae'" in problem.message


def test_every_wrong_row_is_reported_with_line_and_column() -> None:
    data = b"name,email,id\nZofia,z@example.eu,\n,a@example.eu,\nJan,not-an-email,\nAna,,no scheme\n"
    found = {(p.line, p.field) for p in refused(data)}
    assert found == {(3, "name"), (4, "email"), (5, "id")}


def test_invalid_utf8_names_its_line() -> None:
    (problem,) = refused(b"name\nZofia\nJ\xe9r\xf4me\n")
    assert problem.line == 3
    assert "UTF-8" in problem.message


def test_duplicate_learners_are_reported_with_both_lines() -> None:
    data = b"name,email\nZofia,z@example.eu\nZofia W.,Z@EXAMPLE.EU\nJan,\njan ,\n"
    messages = [(p.line, p.message) for p in refused(data)]
    assert messages == [
        (3, "the same learner (email z@example.eu) as line 2"),
        (5, "the same learner (name jan) as line 4"),
    ]


def test_too_many_fields_is_reported() -> None:
    (problem,) = refused(b"name,grade\nKowalski, Jan,5\n")
    assert problem.line == 2
    assert "3 fields" in problem.message


def test_empty_file_and_header_only_are_refused() -> None:
    with pytest.raises(InvalidInput, match="empty"):
        parse_csv(b"")
    with pytest.raises(InvalidInput, match="no learners"):
        parse_csv(b"name,email\n")


def test_json_cohort_and_its_errors() -> None:
    learners = parse_json(
        b'[{"name": "Zofia", "grade": "5"}, {"name": "Jan", "id": "mailto:jan@example.pl"}]'
    )
    assert [(x.name, x.grade, x.subject_id) for x in learners] == [
        ("Zofia", "5", None),
        ("Jan", None, "mailto:jan@example.pl"),
    ]

    found = {(p.entry, p.field) for p in refused(b'[{"name": ""}, {"name": "A", "grade": 5}, {"nmae": "B"}]')}
    assert {(1, "name"), (2, "grade"), (3, "nmae")} <= found


def test_evidence_column_hashes_the_named_file() -> None:
    files = {"scan.pdf": b"%PDF-1.7 diploma"}
    learners = parse_csv(b"name,evidence\nZofia,scan.pdf\n", read_evidence=files.__getitem__)
    assert learners[0].evidence == (Evidence.of(b"%PDF-1.7 diploma", "scan.pdf"),)
    assert learners[0].evidence[0].urn.startswith("urn:sha256:")

    def missing(name: str) -> bytes:
        raise FileNotFoundError(2, "No such file or directory")

    (problem,) = refused(b"name,evidence\nZofia,gone.pdf\n", read_evidence=missing)
    assert (problem.line, problem.field) == (2, "evidence")
    assert "gone.pdf" in problem.message
