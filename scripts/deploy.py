"""Deploy ``CredentialRegistry`` with ape and admit the alliance's issuers.

    ape run deploy --network ethereum:sepolia:node --account alliance-deployer \\
        --admin 0xGovernanceSafe --issuers issuers.json

`--network` is any network of ``ape-config.yaml`` (the ``node:`` entries read their RPC URL from
``MICROCRED_<NETWORK>_RPC_URL``); `--account` an ape account alias (``ape accounts import``),
or ``TEST::0`` on a local chain. `--admin` receives DEFAULT_ADMIN_ROLE and REGISTRAR_ROLE
(default: the deployer); when it is not the deployer, issuers cannot be registered here and the
script prints what the admin must call. `issuers.json` is a list of
``{"address": "0x…", "name": "…", "url": "https://…"}``.

`--yes` signs every transaction of this run without asking, for unattended deployments; a
keyfile account then takes its passphrase from ``APE_ACCOUNTS_<alias>_PASSPHRASE``.

The script prints one JSON line (network, chain id, registry, deployment block, issuers) to
keep with the deployment records; set ``MICROCRED_REGISTRY`` to the address it prints.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from ape import project
from ape.cli import ConnectedProviderCommand, account_option
from eth_utils import is_address, to_checksum_address


def read_issuers(path: Path) -> list[dict[str, str]]:
    """The issuers to admit, checked before anything is sent, with the entry at fault named."""
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise click.BadParameter(f"{path}: {err}", param_hint="--issuers") from err
    if not isinstance(entries, list):
        raise click.BadParameter(f"{path}: expected a JSON list of issuers", param_hint="--issuers")
    issuers = []
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or not is_address(entry.get("address")) or not entry.get("name"):
            raise click.BadParameter(
                f"{path}: issuer {number} needs an 'address' (0x…) and a 'name', got {entry!r}",
                param_hint="--issuers",
            )
        issuers.append(
            {
                "address": to_checksum_address(entry["address"]),
                "name": entry["name"],
                "url": entry.get("url", ""),
            }
        )
    return issuers


@click.command(cls=ConnectedProviderCommand)
@account_option()
@click.option("--admin", help="governance address (default: the deployer)")
@click.option("--issuers", "issuers_file", type=click.Path(exists=True, path_type=Path))
@click.option("--yes", is_flag=True, help="sign this run's transactions without asking")
def cli(
    network: Any, provider: Any, account: Any, admin: str | None, issuers_file: Path | None, yes: bool
) -> None:
    """Deploy the registry and register issuers."""
    issuers = read_issuers(issuers_file) if issuers_file else []
    if admin and not is_address(admin):
        raise click.BadParameter(f"not an address: {admin!r}", param_hint="--admin")
    if yes and hasattr(account, "set_autosign"):
        account.set_autosign(True)
    governance = to_checksum_address(admin) if admin else account.address
    registry = account.deploy(project.CredentialRegistry, governance)
    creation = registry.creation_metadata
    block = creation.block if creation else provider.get_block("latest").number
    registered = []
    for issuer in issuers:
        if governance == account.address:
            registry.registerIssuer(issuer["address"], issuer["name"], issuer["url"], sender=account)
            registered.append(issuer["address"])
        else:
            click.echo(
                f"admin {governance} must call registerIssuer({issuer['address']}, {issuer['name']!r}, "
                f"{issuer['url']!r})",
                err=True,
            )
    record = {
        "network": network.choice,
        "chainId": provider.chain_id,
        "registry": registry.address,
        "admin": governance,
        "block": block,
        "issuers": registered,
    }
    click.echo(json.dumps(record))
