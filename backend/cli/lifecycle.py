"""The learner's files and a credential's life: ``pdf``, ``qr``, ``revoke``, ``supersede``, ``stack``."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from backend.chain.client import REASONS
from backend.cli.common import console, read_json_file
from backend.cli.issue import service_and_issuer
from backend.credentials.files import credential_bytes
from backend.credentials.template import parse_template
from backend.documents.inputs import credential_from_upload
from backend.documents.pdf import render_certificate
from backend.documents.qr import qr_png, qr_svg, share_url
from backend.errors import InvalidInput
from backend.lifecycle.stacking import stack
from backend.lifecycle.supersede import Correction, supersede
from backend.revocation.service import reason_code, target_of
from backend.settings import get_settings
from backend.store import row_id
from backend.wiring import open_store, revocation_service, verifier


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    pdf = commands.add_parser("pdf", help="the learner's PDF certificate, the credential attached")
    pdf.add_argument("file", type=Path, metavar="FILE", help="the credential JSON")
    pdf.add_argument("--out", required=True, type=Path, metavar="OUT.pdf")
    pdf.set_defaults(handler=run_pdf)

    qr = commands.add_parser("qr", help="the QR code of the credential's share link (.png or .svg)")
    qr.add_argument("file", type=Path, metavar="FILE")
    qr.add_argument("--out", required=True, type=Path, metavar="OUT.png")
    qr.set_defaults(handler=run_qr)

    revoke = commands.add_parser(
        "revoke", help="revoke credentials (one transaction per batch) or their batch"
    )
    revoke.add_argument("files", type=Path, nargs="+", metavar="FILE", help="credential files (JSON or PDF)")
    revoke.add_argument("--reason", required=True, help=f"one of: {', '.join(REASONS)}")
    revoke.add_argument("--batch", action="store_true", help="revoke the whole batch of the (one) file given")
    revoke.add_argument("--as-registrar", action="store_true", help="sign with MICROCRED_REGISTRAR_KEY")
    revoke.set_defaults(handler=run_revoke)

    correct = commands.add_parser("supersede", help="re-issue a corrected credential; the old one is revoked")
    correct.add_argument("file", type=Path, metavar="FILE", help="the credential to correct")
    correct.add_argument("--name", help="the learner's corrected name")
    correct.add_argument("--grade", help="the corrected grade")
    correct.add_argument("--subject-id", help="the learner's corrected DID or URI")
    correct.add_argument(
        "--template", type=Path, metavar="T.json", help="re-issue under this (corrected) template"
    )
    correct.add_argument("--out", required=True, type=Path, metavar="DIR")
    correct.set_defaults(handler=run_supersede)

    stacked = commands.add_parser("stack", help="issue a credential made of others held by the same learner")
    stacked.add_argument("--template", required=True, type=Path, metavar="T.json")
    stacked.add_argument("--components", required=True, type=Path, nargs="+", metavar="A.json")
    stacked.add_argument("--out", required=True, type=Path, metavar="DIR")
    stacked.set_defaults(handler=run_stack)


def _credential(path: Path) -> Any:
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InvalidInput(f"cannot read {str(path)!r}: {err.strerror or err}") from None
    return credential_from_upload(data, source=str(path))


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    console.print(f"wrote {path}")


def run_pdf(args: argparse.Namespace) -> int:
    document = _credential(args.file)
    settings = get_settings()
    url = share_url(settings.public_url, document["id"])
    _write(
        args.out,
        render_certificate(document, share_url=url, verify_url=f"{settings.public_url.rstrip('/')}/verify"),
    )
    return 0


def run_qr(args: argparse.Namespace) -> int:
    document = _credential(args.file)
    url = share_url(get_settings().public_url, document["id"])
    _write(args.out, qr_svg(url) if args.out.suffix.lower() == ".svg" else qr_png(url))
    console.print(f"opens {url}")
    return 0


def run_revoke(args: argparse.Namespace) -> int:
    reason_code(args.reason)  # refuse a wrong reason before reading keys or the chain
    targets = [target_of(_credential(path), source=str(path)) for path in args.files]
    settings = get_settings()
    store = open_store(settings)
    service = revocation_service(settings, store=store)
    acting_as = None
    if args.as_registrar:
        if settings.registrar_key is None:
            raise InvalidInput("--as-registrar needs MICROCRED_REGISTRAR_KEY")
        from backend.signing.keys import IssuerKey

        acting_as = IssuerKey.unsafe_from_hex(settings.registrar_key.get_secret_value()).address
    if args.batch:
        roots = {t.root for t in targets}
        if len(roots) != 1:
            raise InvalidInput("--batch revokes one batch: give credentials of one batch only")
        done = [service.revoke_batch(targets[0].root, targets[0].issuer, args.reason, acting_as=acting_as)]
    else:
        done = service.revoke_credentials(targets, args.reason, acting_as=acting_as)
    for revoked in done:
        if args.batch:
            what = "the whole batch"
        elif revoked.indexes:
            what = f"index(es) {_indexes(revoked.indexes)}"
        else:
            what = "nothing new"
        console.print(
            f"revoked {what} of batch {revoked.root} ({revoked.reason}) in transaction {revoked.transaction}"
        )
        if revoked.already:
            console.print(
                f"  index(es) {_indexes(revoked.already)} were revoked before: their first reason stands"
            )
    return 0


def _indexes(indexes: Sequence[int]) -> str:
    return ", ".join(map(str, indexes))


def run_supersede(args: argparse.Namespace) -> int:
    old = _credential(args.file)
    service, issuer, _ = service_and_issuer()
    template_id = None
    if args.template is not None:
        spec = parse_template(read_json_file(args.template, what="template"), source=str(args.template))
        template_id = row_id(service.save_template(row_id(issuer), spec))
    revocation = revocation_service(get_settings(), store=service.store)
    correction = Correction(
        name=args.name, grade=args.grade, subject_id=args.subject_id, template_id=template_id
    )
    new, _ = supersede(
        service, revocation, issuer_id=row_id(issuer), credential_id=old["id"], correction=correction
    )
    _write(args.out / f"{new['id']}.json", credential_bytes(new))
    console.print(f"{old['id']} is revoked (superseded) and replaced by {new['id']}")
    return 0


def run_stack(args: argparse.Namespace) -> int:
    components = [_credential(path) for path in args.components]
    spec = parse_template(read_json_file(args.template, what="template"), source=str(args.template))
    service, issuer, _ = service_and_issuer()
    template = service.save_template(row_id(issuer), spec)
    document, batch = stack(
        service,
        verifier(get_settings()),
        issuer_id=row_id(issuer),
        template_id=row_id(template),
        components=components,
    )
    _write(args.out / f"{document['id']}.json", credential_bytes(document))
    console.print(f"stacked {len(components)} components into {document['id']} (batch root {batch.root})")
    return 0
