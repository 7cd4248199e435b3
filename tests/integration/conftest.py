"""Fixtures of the integration tests that run the ``microcred`` command."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.chain.anvil import ANVIL_KEYS
from tests.conftest import Deployed
from tests.integration.cli import clean_env

PUBLIC_URL = "https://credentials.example.eu"


@pytest.fixture
def env(registry: Deployed, database_url: str, tmp_path: Path) -> dict[str, str]:
    """The environment of a `microcred` run against the test's chain, registry and database,
    as the issuer (Anvil's account 1), and nothing from the developer's own settings."""
    return clean_env(
        tmp_path / "state",
        rpc_url=registry.rpc_url,
        registry=registry.registry.address,
        database_url=database_url,
        issuer_key=ANVIL_KEYS[1],
        issuer_country="PL",
        public_url=PUBLIC_URL,
    )
