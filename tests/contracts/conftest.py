"""Fixtures for the registry's own tests: ape deploys it on a real Anvil started by ape-foundry.

Ape takes a chain snapshot around every fixture scope and test, so each test starts from the
state its fixtures built, and a module's first deployment from account 0 is at nonce 0.
"""

from __future__ import annotations

from typing import Any

import pytest
from ape.logging import logger

# Ape logs every confirmed transaction at INFO; the property tests send hundreds.
logger.set_level("WARNING")

REASONS = {
    "unspecified": 0,
    "issued_in_error": 1,
    "superseded": 2,
    "misconduct": 3,
    "key_compromise": 4,
    "holder_request": 5,
}


@pytest.fixture(scope="session")
def admin(accounts: Any) -> Any:
    return accounts[0]


@pytest.fixture(scope="session")
def issuer(accounts: Any) -> Any:
    return accounts[1]


@pytest.fixture(scope="session")
def other_issuer(accounts: Any) -> Any:
    return accounts[2]


@pytest.fixture(scope="session")
def registrar(accounts: Any) -> Any:
    return accounts[3]


@pytest.fixture(scope="session")
def stranger(accounts: Any) -> Any:
    return accounts[4]


@pytest.fixture
def registry(project: Any, admin: Any) -> Any:
    """A fresh registry with `admin` as governance and no issuers."""
    return admin.deploy(project.CredentialRegistry, admin)


@pytest.fixture
def registered(registry: Any, admin: Any, issuer: Any, other_issuer: Any) -> Any:
    """The registry with two active issuers."""
    registry.registerIssuer(issuer, "Poznan University of Technology", "https://put.poznan.pl", sender=admin)
    registry.registerIssuer(other_issuer, "Université de Lorraine", "https://univ-lorraine.fr", sender=admin)
    return registry
