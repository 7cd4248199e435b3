"""What the ``microcred`` subcommands share: settings, reading files, printing."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import orjson
from rich.console import Console
from rich.table import Table

from backend.errors import InvalidInput, Problem

console = Console(stderr=True, highlight=False, soft_wrap=True)


def read_json_file(path: Path, *, what: str) -> Any:
    """Parsed JSON from `path`; errors name the file and, for bad JSON, the line."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InvalidInput(f"cannot read the {what} {str(path)!r}: {err.strerror or err}") from None
    try:
        return orjson.loads(data.decode("utf-8-sig"))  # refuses nesting past 1,024 levels
    except UnicodeDecodeError:
        raise InvalidInput(f"the {what} {str(path)!r} is not UTF-8") from None
    except orjson.JSONDecodeError as err:
        raise InvalidInput(
            f"the {what} {str(path)!r} is not valid JSON", [Problem(err.msg, line=err.lineno)]
        ) from None


def write_json_file(path: Path, value: Any) -> None:
    path.write_text(json.dumps(value, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def print_table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    """A listing on stdout: a table in a terminal, tab-separated lines in a pipe (for scripts)."""
    out = Console(highlight=False)
    if not out.is_terminal:
        print("\t".join(headers))
        for row in rows:
            print("\t".join(row))
        return
    table = Table(*headers)
    for row in rows:
        table.add_row(*row)
    out.print(table)
