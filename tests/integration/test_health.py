from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from backend.api.app import create_app
from backend.chain.anvil import free_port
from backend.errors import ConfigurationError
from backend.settings import Settings
from tests.conftest import Deployed


def test_health_reports_chain_and_registry_read_from_chain(deployed: Deployed) -> None:
    app = create_app(Settings(rpc_url=deployed.rpc_url, registry=deployed.registry.address))

    response = TestClient(app).get("/health")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["chainId"] == 31337
    assert body["registry"] == deployed.registry.address
    assert body["rpc"] == deployed.rpc_url
    assert body["registryDeployed"] is True


def test_health_is_503_unavailable_when_chain_is_down(deployed: Deployed) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}"
    app = create_app(Settings(rpc_url=nowhere, registry=deployed.registry.address, rpc_timeout=2))

    response = TestClient(app).get("/health")

    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert "cannot be reached" in response.json()["detail"]


def test_app_refuses_to_start_without_registry() -> None:
    with pytest.raises(ConfigurationError, match="MICROCRED_REGISTRY"):
        create_app(Settings(registry=None))
