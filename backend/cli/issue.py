"""``microcred issue``, ``microcred templates`` and ``microcred batches``: the issuer's commands.

After ``make run`` they use the local chain, registry and demo issuer with no configuration;
elsewhere they read ``MICROCRED_*`` (RPC URL, registry, database, issuer keystore).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from backend.batches.service import IssuanceService
from backend.cli.common import console, print_table, read_json_file
from backend.credentials.cohort import parse_cohort
from backend.credentials.dates import parse_rfc3339
from backend.credentials.files import credential_bytes
from backend.credentials.template import parse_template
from backend.errors import ConfigurationError, InvalidInput
from backend.settings import get_settings
from backend.signing.keys import IssuerKey
from backend.store import BatchRow, IssuerRow, row_id
from backend.wiring import ensure_issuer, issuance_service

STEP_LABELS = {"hash": "hashing credentials", "store": "storing credentials"}


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    issue = commands.add_parser(
        "issue",
        help="build, sign and anchor one batch; write one <credential id>.json per learner",
        description="Build, sign and anchor one batch of micro-credentials.",
    )
    issue.add_argument(
        "--template",
        required=True,
        type=Path,
        metavar="T.json",
        help="the achievement: name, learningOutcomes, workload… (docs/format.md)",
    )
    issue.add_argument(
        "--learners", required=True, type=Path, metavar="L.csv", help="the cohort, CSV or JSON"
    )
    issue.add_argument(
        "--out", required=True, type=Path, metavar="DIR", help="folder for the credential files"
    )
    issue.add_argument("--valid-from", help="RFC 3339 date of issuing (default: now)")
    issue.add_argument("--valid-until", help="RFC 3339 expiry (default: the template's validUntil, or none)")
    issue.set_defaults(handler=run_issue)

    templates = commands.add_parser("templates", help="list or show the issuer's templates")
    templates_commands = templates.add_subparsers(dest="templates_command", required=True, metavar="ACTION")
    templates_commands.add_parser("list", help="every template version").set_defaults(
        handler=run_templates_list
    )
    show = templates_commands.add_parser("show", help="one template version as JSON")
    show.add_argument("id", type=int)
    show.set_defaults(handler=run_templates_show)
    add = templates_commands.add_parser("add", help="save T.json as a template (a new version if it changed)")
    add.add_argument("file", type=Path, metavar="T.json")
    add.set_defaults(handler=run_templates_add)

    batches = commands.add_parser("batches", help="list, show or resume the issuer's batches")
    batches_commands = batches.add_subparsers(dest="batches_command", required=True, metavar="ACTION")
    batches_commands.add_parser("list", help="every batch and its state").set_defaults(
        handler=run_batches_list
    )
    show_batch = batches_commands.add_parser("show", help="one batch as JSON")
    show_batch.add_argument("id")
    show_batch.set_defaults(handler=run_batches_show)
    resume = batches_commands.add_parser("resume", help="carry a batch on to confirmed after an interruption")
    resume.add_argument("id")
    resume.add_argument("--out", type=Path, metavar="DIR", help="also write its credential files here")
    resume.set_defaults(handler=run_batches_resume)


def service_and_issuer() -> tuple[IssuanceService, IssuerRow, IssuerKey]:
    settings = get_settings()
    service = issuance_service(settings)
    if len(service.keys) != 1:
        raise ConfigurationError(
            "the command line issues for exactly one issuer key (MICROCRED_ISSUER_KEYSTORE or, in "
            f"development, MICROCRED_ISSUER_KEY); {len(service.keys)} are configured"
        )
    key = next(iter(service.keys.values()))
    return service, ensure_issuer(service, key, country=settings.issuer_country), key


def run_issue(args: argparse.Namespace) -> int:
    spec = parse_template(read_json_file(args.template, what="template"), source=str(args.template))
    try:
        data = args.learners.read_bytes()
    except OSError as err:
        raise InvalidInput(f"cannot read the learners file {str(args.learners)!r}: {err.strerror}") from None
    base = args.learners.resolve().parent
    learners = parse_cohort(
        data, filename=args.learners.name, read_evidence=lambda name: (base / name).read_bytes()
    )
    valid_from = parse_rfc3339(args.valid_from, what="--valid-from") if args.valid_from else None
    if args.out.exists() and not args.out.is_dir():
        raise InvalidInput(f"--out {str(args.out)!r} is a file, not a folder")

    service, issuer, _ = service_and_issuer()
    template = service.save_template(row_id(issuer), spec)
    batch = service.create_batch(
        row_id(issuer),
        row_id(template),
        learners,
        valid_from=valid_from,
        valid_until=args.valid_until,
    )
    with _progress() as progress:
        tasks: dict[str, TaskID] = {}

        def report(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = progress.add_task(STEP_LABELS.get(step, step), total=total)
            progress.update(tasks[step], completed=done)

        service.seal(batch.id, progress=report)
        anchoring = progress.add_task("anchoring on chain", total=None)
        batch = service.anchor(batch.id)
        progress.update(anchoring, total=1, completed=1)
    written = write_batch_files(service, batch, args.out)
    _summary(batch, issuer, template.urn, template.version, written, args.out)
    return 0


def write_batch_files(service: IssuanceService, batch: BatchRow, out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    written = 0
    for row in service.store.iter_credentials(batch.id):
        document = service.credential_file(row, batch)
        (out / f"{row.id}.json").write_bytes(credential_bytes(document))
        written += 1
    return written


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


def _summary(batch: BatchRow, issuer: IssuerRow, urn: str, version: int, written: int, out: Path) -> None:
    table = Table(show_header=False, box=None, pad_edge=False)
    for label, value in (
        ("batch", batch.id),
        ("state", str(batch.state)),
        ("issuer", f"{issuer.name} ({issuer.address})"),
        ("template", f"{urn} (version {version})"),
        ("credentials", f"{batch.count:,}"),
        ("root", batch.root or ""),
        ("transaction", batch.tx_hash or ""),
        ("block", str(batch.block_number)),
        ("files", f"{written:,} in {out}"),
    ):
        table.add_row(f"[bold]{label}[/bold]", value)
    console.print(table)


def run_templates_list(args: argparse.Namespace) -> int:
    service, issuer, _ = service_and_issuer()
    print_table(
        ("id", "slug", "version", "urn", "name", "created"),
        (
            (
                str(r.id),
                r.slug,
                str(r.version),
                r.urn,
                json.loads(r.spec)["name"],
                f"{r.created_at:%Y-%m-%d %H:%M}",
            )
            for r in service.store.templates(issuer_id=issuer.id)
        ),
    )
    return 0


def run_templates_show(args: argparse.Namespace) -> int:
    service, issuer, _ = service_and_issuer()
    row = service.store.template(args.id, issuer_id=issuer.id)
    print(
        json.dumps(
            {"id": row.id, "urn": row.urn, "version": row.version, "spec": json.loads(row.spec)},
            ensure_ascii=False,
            indent=2,
        )
    )
    return 0


def run_templates_add(args: argparse.Namespace) -> int:
    spec = parse_template(read_json_file(args.file, what="template"), source=str(args.file))
    service, issuer, _ = service_and_issuer()
    row = service.save_template(row_id(issuer), spec)
    print(json.dumps({"id": row.id, "urn": row.urn, "version": row.version}))
    return 0


def run_batches_list(args: argparse.Namespace) -> int:
    service, issuer, _ = service_and_issuer()
    print_table(
        ("id", "state", "count", "root", "transaction", "created"),
        (
            (
                r.id,
                str(r.state),
                str(r.count),
                r.root or "",
                r.tx_hash or "",
                f"{r.created_at:%Y-%m-%d %H:%M}",
            )
            for r in service.store.batches(issuer_id=issuer.id)
        ),
    )
    return 0


def run_batches_show(args: argparse.Namespace) -> int:
    service, issuer, _ = service_and_issuer()
    row = service.store.batch(args.id, issuer_id=issuer.id)
    print(json.dumps(row.model_dump(mode="json", exclude={"learners"}), indent=2))
    return 0


def run_batches_resume(args: argparse.Namespace) -> int:
    service, issuer, _ = service_and_issuer()
    service.store.batch(args.id, issuer_id=issuer.id)
    batch = service.resume(args.id)
    if args.out is not None:
        write_batch_files(service, batch, args.out)
    print(
        json.dumps(
            {"id": batch.id, "state": str(batch.state), "root": batch.root, "transaction": batch.tx_hash}
        )
    )
    return 0
