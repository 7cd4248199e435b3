"""Fixtures shared by the service tests: a real Anvil chain with the registry deployed."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from eth_account import Account
from eth_account.signers.local import LocalAccount
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel, create_engine

from backend.batches.service import IssuanceService
from backend.chain.anvil import ANVIL_KEYS, Anvil
from backend.chain.client import RegistryClient, deploy_registry
from backend.credentials.cohort import parse_csv
from backend.credentials.template import parse_template
from backend.signing.keys import IssuerKey
from backend.store import BatchRow, Store
from backend.verification import Verifier
from backend.wiring import ensure_issuer
from tests.samples import COHORT_CSV, TEMPLATE

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


def deploy_with_issuer(rpc_url: str) -> Deployed:
    """A new registry on the chain at `rpc_url`, governed by Anvil's account 0, with account 1
    registered as an active issuer."""
    admin, issuer, other = (Account.from_key(k) for k in ANVIL_KEYS[:3])
    probe = RegistryClient.connect(rpc_url, admin.address)
    registry = RegistryClient.connect(rpc_url, deploy_registry(probe.w3, admin, admin=admin.address))
    registry.register_issuer(admin, issuer.address, "Politechnika Poznańska", "https://put.poznan.pl")
    return Deployed(rpc_url, registry, admin, issuer, other)


def issuance_for(store: Store, deployed: Deployed) -> IssuanceService:
    """The issuing service over `store` and the registry, holding the issuer's key."""
    key = IssuerKey(deployed.issuer)
    service = IssuanceService(store, deployed.registry, {key.address: key})
    ensure_issuer(service, key, country="PL")
    return service


@pytest.fixture(scope="session")
def deployed(anvil: Anvil) -> Deployed:
    """One registry for the session."""
    return deploy_with_issuer(anvil.rpc_url)


# ───────────────────────────── databases ─────────────────────────────

POSTGRES_URL = os.environ.get("MICROCRED_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A database of its own for this test session on the PostgreSQL server, dropped at the end."""
    import psycopg

    name = f"microcred_test_{os.getpid()}_{secrets.token_hex(4)}"
    try:
        admin = psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as err:
        pytest.fail(f"PostgreSQL is needed at {POSTGRES_URL} (MICROCRED_TEST_POSTGRES_URL): {err}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = make_url(POSTGRES_URL).set(drivername="postgresql+psycopg", database=name)
    yield url.render_as_string(hide_password=False)
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, or the session's PostgreSQL database emptied."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'microcred.db'}"
        return
    url: str = request.getfixturevalue("postgres_database")
    engine = create_engine(url)
    SQLModel.metadata.drop_all(engine)
    engine.dispose()
    yield url


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    store = Store(database_url)
    yield store
    store.dispose()


# ───────────────────────────── issuing ─────────────────────────────


@pytest.fixture
def registry(anvil: Anvil) -> Deployed:
    """A registry of its own for one test, so that no test sees another's batches."""
    return deploy_with_issuer(anvil.rpc_url)


@pytest.fixture
def issuance(store: Store, registry: Deployed) -> IssuanceService:
    return issuance_for(store, registry)


@pytest.fixture
def verifier(registry: Deployed) -> Verifier:
    """A verifier that reads the test chain and trusts only the test's registry."""
    return Verifier({}, default_rpc=registry.rpc_url, trusted_registries=[registry.registry.address])


class Issued(NamedTuple):
    batch: BatchRow
    credentials: list[dict[str, Any]]


def issue_sample(
    issuance: IssuanceService, *, template: dict[str, Any] | None = None, **options: Any
) -> Issued:
    """Issue the sample cohort of four learners; `options` go to ``IssuanceService.issue``."""
    (issuer,) = issuance.store.issuers()
    row = issuance.save_template(issuer.id, parse_template(template or TEMPLATE))  # type: ignore[arg-type]
    batch = issuance.issue(issuer.id, row.id, parse_csv(COHORT_CSV), **options)  # type: ignore[arg-type]
    return Issued(batch, [issuance.credential_file(r) for r in issuance.store.credentials(batch.id)])


@pytest.fixture
def issued(issuance: IssuanceService) -> Issued:
    return issue_sample(issuance)
