"""The local stack ``make run`` brings up: one registry deployed once, and a registered demo issuer.

On a local Anvil the deployer (governance) is Anvil's account 0 and the demo issuer its account 1,
both public test keys. On any other chain, set MICROCRED_DEPLOYER_KEY and MICROCRED_ISSUER_KEY.
"""

from __future__ import annotations

from typing import NamedTuple

from eth_account import Account
from eth_account.signers.local import LocalAccount

from backend.chain.client import RegistryClient, deploy_registry

DEMO_ISSUER_NAME = "Microcred Demo University"
DEMO_ISSUER_URL = "https://microcred.example"
DEMO_ISSUER_COUNTRY = "BE"


class LocalStack(NamedTuple):
    registry: str
    chain_id: int
    deployed: bool
    issuer: str
    issuer_registered_now: bool


def ensure_registry(
    client_factory: type[RegistryClient],
    rpc_url: str,
    deployer: LocalAccount,
    *,
    remembered: str | None,
    timeout: float = 10.0,
) -> tuple[RegistryClient, bool]:
    """The registry remembered from an earlier run if it is still on this chain, else a new one."""
    if remembered:
        client = client_factory.connect(rpc_url, remembered, timeout=timeout)
        if client.has_code():
            return client, False
    probe = client_factory.connect(rpc_url, deployer.address, timeout=timeout)
    address = deploy_registry(probe.w3, deployer, admin=deployer.address, rpc_url=rpc_url)
    return client_factory.connect(rpc_url, address, timeout=timeout), True


def bring_up(
    rpc_url: str, *, deployer_key: str, issuer_key: str, remembered_registry: str | None
) -> LocalStack:
    deployer: LocalAccount = Account.from_key(deployer_key)
    issuer: LocalAccount = Account.from_key(issuer_key)
    client, deployed = ensure_registry(RegistryClient, rpc_url, deployer, remembered=remembered_registry)
    registered_now = False
    if not client.issuer(issuer.address).registered:
        client.register_issuer(deployer, issuer.address, DEMO_ISSUER_NAME, DEMO_ISSUER_URL)
        registered_now = True
    return LocalStack(client.address, client.chain_id, deployed, issuer.address, registered_now)
