"""Fixtures shared by the service tests: a real Anvil chain with the registry deployed."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from eth_account import Account
from eth_account.signers.local import LocalAccount

from backend.chain.anvil import ANVIL_KEYS, Anvil
from backend.chain.client import RegistryClient, deploy_registry

# ape-foundry (the contract tests) finds anvil on PATH; the project's npm anvil comes first.
_NODE_BIN = Path(__file__).resolve().parents[1] / "node_modules" / ".bin"
os.environ["PATH"] = f"{_NODE_BIN}{os.pathsep}{os.environ.get('PATH', '')}"


class Deployed(NamedTuple):
    rpc_url: str
    registry: RegistryClient
    admin: LocalAccount
    issuer: LocalAccount
    other: LocalAccount


@pytest.fixture(scope="session")
def anvil() -> Iterator[Anvil]:
    with Anvil() as chain:
        yield chain


@pytest.fixture(scope="session")
def deployed(anvil: Anvil) -> Deployed:
    """One registry for the session, with Anvil's account 1 registered as an active issuer."""
    admin, issuer, other = (Account.from_key(k) for k in ANVIL_KEYS[:3])
    probe = RegistryClient.connect(anvil.rpc_url, admin.address)
    address = deploy_registry(probe.w3, admin, admin=admin.address)
    registry = RegistryClient.connect(anvil.rpc_url, address)
    registry.register_issuer(admin, issuer.address, "Politechnika Poznańska", "https://put.poznan.pl")
    return Deployed(anvil.rpc_url, registry, admin, issuer, other)
