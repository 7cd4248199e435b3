from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from backend.api.app import create_app
from backend.chain.anvil import free_port
from backend.errors import ConfigurationError
from backend.settings import Settings
from tests.conftest import Deployed, Issued


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


def test_a_key_in_the_rpc_url_shows_neither_on_health_nor_in_a_report(
    registry: Deployed, issued: Issued
) -> None:
    secret = "0123456789abcdef0123456789abcdef"
    nowhere = f"http://127.0.0.1:{free_port()}/v3/{secret}"
    app = create_app(Settings(rpc_url=nowhere, registry=registry.registry.address, rpc_timeout=2))
    client = TestClient(app)

    health = client.get("/health")
    report = client.post("/api/v1/verify", json=issued.credentials[0])

    assert health.status_code == 503
    assert report.json()["status"] == "unavailable"
    assert "/…" in health.json()["rpc"]
    assert secret not in health.text + report.text


def test_app_refuses_to_start_without_registry() -> None:
    with pytest.raises(ConfigurationError, match="MICROCRED_REGISTRY"):
        create_app(Settings(registry=None))
