"""``POST /api/v1/verify``: JSON body or multipart file; malformed input is a 4xx, never a 500."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from backend.api.app import create_app
from backend.batches.service import IssuanceService
from backend.settings import Settings
from backend.verification import Verifier
from tests.conftest import Deployed, Issued


@pytest.fixture
def client(issuance: IssuanceService, registry: Deployed, verifier: Verifier) -> Iterator[TestClient]:
    settings = Settings(
        rpc_url=registry.rpc_url, registry=registry.registry.address, max_upload_bytes=100_000
    )
    with TestClient(
        create_app(settings, issuance=issuance, verifier=verifier), raise_server_exceptions=False
    ) as client:
        yield client


def test_verify_json_body(client: TestClient, issued: Issued) -> None:
    response = client.post("/api/v1/verify", json=issued.credentials[0])
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "valid"
    assert [c["name"] for c in body["checks"]][-1] == "validity"
    assert set(body["checks"][0]) == {"name", "ok", "detail"}


def test_verify_multipart_file(client: TestClient, issued: Issued) -> None:
    data = json.dumps(issued.credentials[1]).encode()
    response = client.post("/api/v1/verify", files={"file": ("credential.json", data, "application/json")})
    assert response.status_code == 200
    assert response.json()["status"] == "valid"


def test_tampered_credential_is_invalid_naming_the_check(client: TestClient, issued: Issued) -> None:
    forged = copy.deepcopy(issued.credentials[0])
    forged["credentialSubject"]["name"] = "Someone Else"
    body = client.post("/api/v1/verify", json=forged).json()
    assert (body["status"], body["failedCheck"]) == ("invalid", "integrity")


@pytest.mark.parametrize(
    ("content", "content_type", "status", "says"),
    [
        (b"{not json", "application/json", 400, "not valid JSON"),
        (b"", "application/json", 400, "is empty"),
        (b"\xff\xfe\x00", "application/json", 400, "not UTF-8"),
        (b"<xml/>", "text/xml", 415, "send JSON or a multipart form"),
    ],
)
def test_malformed_input_is_a_4xx_with_a_message(
    client: TestClient, content: bytes, content_type: str, status: int, says: str
) -> None:
    response = client.post("/api/v1/verify", content=content, headers={"content-type": content_type})
    assert response.status_code == status
    assert says in response.json()["detail"]


@pytest.mark.parametrize("document", [[], 5, "text", {"proof": {}}, {"id": 2**70}])
def test_json_that_is_no_credential_is_reported_invalid_at_format(
    client: TestClient, document: object
) -> None:
    response = client.post(
        "/api/v1/verify", content=json.dumps(document), headers={"content-type": "application/json"}
    )
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert response.json()["failedCheck"] == "format"


def test_multipart_without_file_field_is_422(client: TestClient) -> None:
    response = client.post("/api/v1/verify", files={"other": ("x.json", b"{}", "application/json")})
    assert response.status_code == 422
    assert "'file'" in response.json()["detail"]


def test_upload_over_the_limit_is_413(client: TestClient) -> None:
    big = b'{"padding": "' + b"x" * 200_000 + b'"}'
    assert (
        client.post("/api/v1/verify", content=big, headers={"content-type": "application/json"}).status_code
        == 413
    )
    files = {"file": ("big.json", big, "application/json")}
    assert client.post("/api/v1/verify", files=files).status_code == 413
