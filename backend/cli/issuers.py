"""``microcred issuers``: the issuers this service serves, and their API keys.

A key is printed once, when made; the database keeps only its SHA-256. The issuer must also be
registered on the registry (by a registrar) before it can anchor anything, and the service must
hold its signing key (MICROCRED_ISSUER_KEYSTORE).
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from eth_utils.address import is_address, to_checksum_address

from backend.cli.common import console, print_table
from backend.credentials.document import IssuerProfile
from backend.errors import InvalidInput, NotFound
from backend.settings import get_settings
from backend.signing.keys import new_keystore
from backend.store import row_id
from backend.store.db import new_api_key
from backend.wiring import open_store, registry_client


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("issuers", help="the issuers this service serves, and their API keys")
    actions = parser.add_subparsers(dest="issuers_command", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="add an issuer and print its API key (shown once)")
    add.add_argument("--address", required=True, help="the issuer's signing address (0x…)")
    add.add_argument("--name", help="as credentials name it (default: its name in the registry)")
    add.add_argument("--url", help="its web site (default: its URL in the registry)")
    add.add_argument("--country", required=True, help="ISO 3166-1 alpha-2, e.g. PL")
    add.set_defaults(handler=run_add)
    actions.add_parser("list", help="every issuer and the start of its API key").set_defaults(
        handler=run_list
    )
    rotate = actions.add_parser("new-key", help="replace an issuer's API key (the old one stops working)")
    rotate.add_argument("address")
    rotate.set_defaults(handler=run_new_key)
    keystore = actions.add_parser(
        "new-keystore",
        help="make a new signing key in an encrypted keystore file (passphrase: MICROCRED_ISSUER_PASSPHRASE)",
    )
    keystore.add_argument(
        "--out", required=True, type=Path, help="the keystore file to write (never overwritten)"
    )
    keystore.set_defaults(handler=run_new_keystore)


def _address(text: str) -> str:
    if not is_address(text):
        raise InvalidInput(f"not an Ethereum address: {text!r}")
    return str(to_checksum_address(text))


def run_add(args: argparse.Namespace) -> int:
    address = _address(args.address)
    settings = get_settings()
    name, url = args.name, args.url
    if name is None or url is None:
        record = registry_client(settings).issuer(address)
        if not record.registered:
            raise InvalidInput(
                f"{address} is not registered on the registry: give --name and --url, or register it first"
            )
        name, url = name or record.name, url or record.url
    profile = IssuerProfile(address=address, name=name, url=url, country=args.country.upper())
    key = new_api_key()
    store = open_store(settings)
    try:
        store.add_issuer(
            address=profile.address, name=profile.name, url=profile.url, country=profile.country, api_key=key
        )
    finally:
        store.dispose()
    console.print(f"added {profile.name} ({profile.address})")
    print(key)
    console.print("this API key is shown once: send it as the X-API-Key header")
    return 0


def run_list(args: argparse.Namespace) -> int:
    store = open_store(get_settings())
    try:
        rows = [
            (r.address, r.name, r.url, r.country, f"{r.api_key_hint}…" if r.api_key_hint else "(no key)")
            for r in store.issuers()
        ]
    finally:
        store.dispose()
    print_table(("address", "name", "url", "country", "API key"), rows)
    return 0


def run_new_key(args: argparse.Namespace) -> int:
    address = _address(args.address)
    store = open_store(get_settings())
    try:
        row = store.issuer_by_address(address)
        if row is None:
            raise NotFound("issuer", address)
        key = new_api_key()
        store.set_api_key(row_id(row), key)
    finally:
        store.dispose()
    print(key)
    console.print("the previous key no longer works; this one is shown once")
    return 0


def run_new_keystore(args: argparse.Namespace) -> int:
    """A new issuer signing key, written only encrypted, readable only by its owner. The
    passphrase comes from the environment, never the command line (``ps`` shows arguments)."""
    passphrase = get_settings().issuer_passphrase
    if passphrase is None:
        raise InvalidInput(
            "set MICROCRED_ISSUER_PASSPHRASE to the passphrase that will encrypt the key "
            "(it is read from the environment, never from the command line)"
        )
    address, keystore = new_keystore(passphrase.get_secret_value())
    out: Path = args.out
    try:
        descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise InvalidInput(
            f"{str(out)!r} exists: a keystore is never overwritten, choose another file"
        ) from None
    except OSError as err:
        raise InvalidInput(f"cannot write {str(out)!r}: {err.strerror or err}") from None
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        json.dump(keystore, file)
    print(address)
    console.print(
        f"wrote the encrypted key of {address} to {out}. Next: a registrar registers {address} on the "
        "registry, then `microcred issuers add --address` it; the service reads it through "
        "MICROCRED_ISSUER_KEYSTORE"
    )
    return 0
