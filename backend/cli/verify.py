"""``microcred verify FILE``: every check of SPEC §5, read straight from the chain.

Needs nothing but the file and an RPC URL: no service, no database. Exit 0 when valid, 1 when
invalid, 2 when the chain cannot be reached.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rich.markup import escape

from backend.cli.common import console
from backend.documents.inputs import credential_from_upload
from backend.errors import InvalidInput
from backend.settings import get_settings
from backend.verification import Report
from backend.wiring import verifier

EXIT_CODES = {"valid": 0, "invalid": 1, "unavailable": 2}
MARKS = {True: "[green]✔[/green]", False: "[red]✘[/red]", None: "[dim]–[/dim]"}
VERDICTS = {
    "valid": "[bold green]VALID[/bold green]",
    "invalid": "[bold red]INVALID[/bold red]",
    "revoked": "[bold red]REVOKED[/bold red]",
    "expired": "[bold yellow]EXPIRED[/bold yellow]",
    "not-yet-valid": "[bold yellow]NOT YET VALID[/bold yellow]",
    "unavailable": (
        "[bold yellow]UNAVAILABLE[/bold yellow] (the chain could not be read; nothing is known to be wrong)"
    ),
}


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "verify", help="verify a credential (JSON, or a PDF that embeds one)", description=__doc__
    )
    parser.add_argument(
        "file", type=Path, metavar="FILE", help="the credential: .json, or the PDF certificate"
    )
    parser.add_argument(
        "--rpc", help="JSON-RPC URL of the chain (default: MICROCRED_RPC_URL or the local chain)"
    )
    parser.add_argument("--registry", help="trust only this registry (default: MICROCRED_REGISTRY if set)")
    parser.add_argument(
        "--evidence", type=Path, nargs="+", default=[], metavar="PDF", help="the documents it certifies"
    )
    parser.add_argument(
        "--components",
        type=Path,
        nargs="+",
        default=[],
        metavar="A.json",
        help="a stacked credential's components",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.set_defaults(handler=run_verify)


def run_verify(args: argparse.Namespace) -> int:
    document = credential_from_upload(_read(args.file), source=str(args.file))
    evidence = [(path.name, _read(path)) for path in args.evidence]
    components = [credential_from_upload(_read(path), source=str(path)) for path in args.components]
    report = verifier(get_settings(), rpc_url=args.rpc, registry=args.registry).verify(
        document, evidence=evidence, components=components
    )
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        show(report)
    return EXIT_CODES[report.status]


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as err:
        raise InvalidInput(f"cannot read {str(path)!r}: {err.strerror or err}") from None


def show(report: Report) -> None:
    document = report.document if isinstance(report.document, dict) else {}
    subject = (
        document.get("credentialSubject", {}) if isinstance(document.get("credentialSubject"), dict) else {}
    )
    console.print(f"{VERDICTS[report.verdict]}  {escape(str(document.get('name', '')))}")
    if subject.get("name"):
        issuer = report.facts.issuer.name if report.facts else document.get("issuer", {}).get("name", "")
        console.print(f"  awarded to {escape(str(subject['name']))} by {escape(str(issuer))}")
    for check in [*report.checks, *report.extra_checks]:
        console.print(f"  {MARKS[check.ok]} {check.name:<10} {escape(check.detail)}")
    for notice in report.notices:
        console.print(f"  [yellow]![/yellow] {escape(notice)}")
