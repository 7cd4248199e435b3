"""A cohort of learners from CSV or JSON, checked whole before anything is issued.

CSV (SPEC §6): UTF-8 (a BOM is allowed), a header row, ``name`` required; ``email``, ``id`` (a DID
or URI for ``credentialSubject.id``), ``grade`` and ``evidence`` (a file this credential
certifies) optional. Quoted fields may hold commas, quotes and line breaks. Every wrong row is
reported with its line number and column, and one wrong row refuses the whole file.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson

from backend.errors import InvalidInput, Problem

COLUMNS = ("name", "email", "id", "grade", "evidence")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
MAX_NAME_LENGTH = 300

EvidenceReader = Callable[[str], bytes]
"""Reads the file an ``evidence`` cell names; raises OSError when it cannot."""


@dataclass(frozen=True, slots=True)
class Evidence:
    """A document the credential certifies, by its SHA-256 (SPEC §1 ``evidence``)."""

    sha256: str
    name: str

    @classmethod
    def of(cls, content: bytes, name: str) -> Evidence:
        return cls(hashlib.sha256(content).hexdigest(), name)

    @property
    def urn(self) -> str:
        return f"urn:sha256:{self.sha256}"

    def as_json(self) -> dict[str, str]:
        return {"id": self.urn, "name": self.name}


@dataclass(frozen=True, slots=True)
class Learner:
    """One row of a cohort. `line` is where it stood in its file, for messages."""

    name: str
    email: str | None = None
    subject_id: str | None = None
    grade: str | None = None
    evidence: tuple[Evidence, ...] = ()
    line: int | None = None
    replaces: str | None = None
    components: tuple[dict[str, str], ...] = field(default=())

    @property
    def key(self) -> str:
        """Who this learner is, for duplicate detection: their id, else email, else name."""
        if self.subject_id:
            return f"id {self.subject_id}"
        if self.email:
            return f"email {self.email.casefold()}"
        return f"name {' '.join(self.name.split()).casefold()}"


def parse_csv(data: bytes, *, read_evidence: EvidenceReader | None = None) -> list[Learner]:
    """The learners of a CSV file, or every problem in it.

    Raises:
        InvalidInput: listing each wrong row by line number and column.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise InvalidInput(
            "the learners file is not UTF-8",
            [Problem(f"byte {data[err.start]:#04x} is not valid UTF-8 (save the file as UTF-8)", line=line)],
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    problems: list[Problem] = []
    try:
        header = next(reader)
    except StopIteration:
        raise InvalidInput("the learners file is empty: it needs a header row with a 'name' column") from None
    except csv.Error as err:
        raise InvalidInput("the learners file is not valid CSV", [Problem(str(err), line=1)]) from None
    columns = [column.strip().lower() for column in header]
    for position, column in enumerate(columns):
        if column not in COLUMNS:
            problems.append(
                Problem(f"unknown column {header[position]!r} (known: {', '.join(COLUMNS)})", line=1)
            )
        elif columns.index(column) != position:
            problems.append(Problem(f"column {column!r} appears twice", line=1))
    if "name" not in columns:
        problems.append(Problem("the header has no 'name' column", line=1))
    if problems:
        raise InvalidInput("the learners file's header is wrong", problems)

    rows: list[tuple[int, dict[str, str]]] = []
    start = reader.line_num + 1
    try:
        for cells in reader:
            line, start = start, reader.line_num + 1
            if not cells or all(not cell.strip() for cell in cells):
                continue
            if len(cells) > len(columns):
                problems.append(
                    Problem(
                        f"{len(cells)} fields but the header has {len(columns)} (quote a field with commas)",
                        line=line,
                    )
                )
                continue
            rows.append((line, dict(zip(columns, cells, strict=False))))
    except csv.Error as err:
        problems.append(Problem(f"not valid CSV: {err}", line=reader.line_num))
    return _check_rows(rows, problems, read_evidence=read_evidence, unit="line")


def parse_json(data: bytes, *, read_evidence: EvidenceReader | None = None) -> list[Learner]:
    """The learners of a JSON file: a list of objects with the CSV's column names as keys.

    Raises:
        InvalidInput: listing each wrong entry (1-based) and field.
    """
    try:
        entries = orjson.loads(data.decode("utf-8-sig"))  # refuses nesting past 1,024 levels
    except UnicodeDecodeError:
        raise InvalidInput("the learners file is not UTF-8") from None
    except orjson.JSONDecodeError as err:
        raise InvalidInput(
            "the learners file is not valid JSON", [Problem(err.msg, line=err.lineno)]
        ) from None
    if isinstance(entries, dict) and isinstance(entries.get("learners"), list):
        entries = entries["learners"]
    if not isinstance(entries, list):
        raise InvalidInput('the learners file must be a JSON list of objects such as {"name": "…"}')
    problems: list[Problem] = []
    rows: list[tuple[int, dict[str, str]]] = []
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            problems.append(Problem(f"expected an object, got {type(entry).__name__}", entry=number))
            continue
        row: dict[str, str] = {}
        for key, value in entry.items():
            if key not in COLUMNS:
                problems.append(
                    Problem(f"unknown field (known: {', '.join(COLUMNS)})", entry=number, field=key)
                )
            elif value is not None and not isinstance(value, str):
                problems.append(Problem(f"must be a string, got {value!r}", entry=number, field=key))
            elif value is not None:
                row[key] = value
        rows.append((number, row))
    return _check_rows(rows, problems, read_evidence=read_evidence, unit="entry")


def parse_cohort(
    data: bytes, *, filename: str = "", read_evidence: EvidenceReader | None = None
) -> list[Learner]:
    """CSV or JSON by the file name's ending, else by the first character."""
    looks_json = filename.lower().endswith(".json") or (
        not filename.lower().endswith(".csv") and data.lstrip(b"\xef\xbb\xbf \r\n\t")[:1] in (b"[", b"{")
    )
    return (parse_json if looks_json else parse_csv)(data, read_evidence=read_evidence)


def _check_rows(
    rows: Iterable[tuple[int, dict[str, str]]],
    problems: list[Problem],
    *,
    read_evidence: EvidenceReader | None,
    unit: str,
) -> list[Learner]:
    learners: list[Learner] = []
    seen: dict[str, int] = {}
    for number, row in rows:
        where: dict[str, Any] = {unit: number}
        before = len(problems)
        name = " ".join(row.get("name", "").split())
        email = row.get("email", "").strip() or None
        subject_id = row.get("id", "").strip() or None
        grade = row.get("grade", "").strip() or None
        evidence_cell = row.get("evidence", "").strip()
        if not name:
            problems.append(Problem("the learner's name is empty", field="name", **where))
        elif len(name) > MAX_NAME_LENGTH:
            problems.append(Problem(f"longer than {MAX_NAME_LENGTH} characters", field="name", **where))
        if email is not None and not _EMAIL.match(email):
            problems.append(Problem(f"not an email address: {email!r}", field="email", **where))
        if subject_id is not None and not _URI.match(subject_id):
            problems.append(
                Problem(
                    f"not a DID or URI (such as did:key:… or mailto:…): {subject_id!r}", field="id", **where
                )
            )
        evidence: tuple[Evidence, ...] = ()
        if evidence_cell:
            evidence = _read_evidence(evidence_cell, read_evidence, problems, where)
        if len(problems) > before:
            continue
        learner = Learner(name, email, subject_id, grade, evidence, line=number)
        if learner.key in seen:
            problems.append(
                Problem(f"the same learner ({learner.key}) as {unit} {seen[learner.key]}", **where)
            )
            continue
        seen[learner.key] = number
        learners.append(learner)
    if problems:
        raise InvalidInput("the learners file has errors; nothing was issued", problems)
    if not learners:
        raise InvalidInput("the learners file holds no learners")
    return learners


def _read_evidence(
    cell: str, read: EvidenceReader | None, problems: list[Problem], where: dict[str, Any]
) -> tuple[Evidence, ...]:
    if read is None:
        problems.append(
            Problem("evidence files can be given only with the files themselves", field="evidence", **where)
        )
        return ()
    found = []
    for name in (part.strip() for part in cell.split(";")):
        try:
            found.append(Evidence.of(read(name), name.rsplit("/", 1)[-1]))
        except OSError as err:
            problems.append(
                Problem(f"cannot read {name!r}: {err.strerror or err}", field="evidence", **where)
            )
    return tuple(found)
