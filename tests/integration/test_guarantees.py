"""Promises the service makes that no single feature test shows."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlmodel import SQLModel
from web3 import HTTPProvider, Web3
from web3.types import RPCEndpoint, RPCResponse

from backend.api.app import create_app
from backend.batches.service import IssuanceService
from backend.chain.anvil import ANVIL_KEYS, Anvil
from backend.chain.client import RegistryClient
from backend.credentials.cohort import Learner, parse_csv
from backend.settings import Settings
from backend.store import BatchRow, BatchState, Store
from backend.verification import Verifier
from tests.conftest import Deployed, Issued, deploy_with_issuer, issuance_for, issue_sample


def test_issuing_waits_for_the_configured_confirmations(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    with Anvil(block_time=1) as chain:
        deployed = deploy_with_issuer(chain.rpc_url)
        waiting = RegistryClient.connect(chain.rpc_url, deployed.registry.address, confirmations=3)
        service = issuance_for(store, deployed._replace(registry=waiting))

        batch = issue_sample(service).batch
        head = waiting.block_number()

    store.dispose()
    assert batch.state == BatchState.CONFIRMED
    assert batch.block_number is not None
    assert head >= batch.block_number + 3


@pytest.fixture
def silent_rpc() -> Iterator[str]:
    """An RPC endpoint that accepts connections and never answers: a hung node."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    server.close()


def test_a_node_that_never_answers_is_unavailable_not_invalid(issued: Issued, silent_rpc: str) -> None:
    started = time.monotonic()
    report = Verifier({}, default_rpc=silent_rpc, timeout=1).verify(issued.credentials[0]).as_json()

    assert report["status"] == "unavailable"
    assert "Timeout" in report["unavailableReason"]
    assert time.monotonic() - started < 10


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)


@pytest.fixture
def client(issuance: IssuanceService, registry: Deployed, verifier: Verifier) -> Iterator[TestClient]:
    settings = Settings(rpc_url=registry.rpc_url, registry=registry.registry.address)
    with TestClient(
        create_app(settings, issuance=issuance, verifier=verifier), raise_server_exceptions=False
    ) as client:
        yield client


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        found += [p for key, v in value.items() for p in _paths(v, (*path, key))]
    elif isinstance(value, list):
        found += [p for i, v in enumerate(value) for p in _paths(v, (*path, i))]
    return found


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_verify_never_answers_500_whatever_the_json(
    client: TestClient, issued: Issued, data: st.DataObject
) -> None:
    document = json.loads(json.dumps(issued.credentials[0]))
    path = data.draw(st.sampled_from(_paths(document)[1:]), label="path")
    target = document
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = data.draw(JSON, label="value")
    body = json.dumps(document, allow_nan=True)

    response = client.post("/api/v1/verify", content=body, headers={"content-type": "application/json"})

    assert response.status_code in (200, 400), response.text
    if response.status_code == 200:
        assert response.json()["status"] in ("valid", "invalid")


def test_no_key_reaches_the_database(issued: Issued, issuance: IssuanceService, database_url: str) -> None:
    with issuance.store.engine.connect() as connection:
        rows = [row for table in SQLModel.metadata.sorted_tables for row in connection.execute(select(table))]
    stored = repr(rows).encode()
    if database_url.startswith("sqlite:///"):  # also every byte the database file and its log hold
        path = Path(database_url.removeprefix("sqlite:///"))
        stored += b"".join(p.read_bytes() for p in path.parent.glob(f"{path.name}*"))
    assert len(rows) > 4
    for key in ANVIL_KEYS:
        assert key[2:].encode() not in stored
        assert bytes.fromhex(key[2:]) not in stored


def test_batches_issued_at_once_from_one_key_are_all_confirmed(issuance: IssuanceService) -> None:
    """Several cohorts uploaded together are anchored from one key at the same time: each
    transaction must take its own nonce, or the node refuses all but one."""
    first = issue_sample(issuance)
    template_id = first.batch.template_id
    (issuer,) = issuance.store.issuers()
    cohorts = [parse_csv(f"name\nLearner {n}a\nLearner {n}b\n".encode()) for n in range(6)]
    start = threading.Barrier(len(cohorts))

    def issue(cohort: list[Learner]) -> BatchRow:
        start.wait()
        return issuance.issue(issuer.id, template_id, cohort)  # type: ignore[arg-type]

    with ThreadPoolExecutor(len(cohorts)) as pool:
        batches = list(pool.map(issue, cohorts))

    assert [b.state for b in batches] == [BatchState.CONFIRMED] * len(cohorts), [b.error for b in batches]
    assert len({b.tx_hash for b in batches}) == len(cohorts)


class _StaleNonceOnce(HTTPProvider):
    """A provider that, once, reports an account's transaction count one lower than the node
    does: as when another process sent from the same key a moment earlier."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.stale_answers = 0

    def make_request(self, method: RPCEndpoint, params: Any) -> RPCResponse:
        response = super().make_request(method, params)
        if method == "eth_getTransactionCount" and self.stale_answers == 0 and int(response["result"], 16):
            self.stale_answers += 1
            return {**response, "result": hex(int(response["result"], 16) - 1)}
        return response


def test_a_nonce_taken_by_another_process_is_retried_with_a_fresh_one(registry: Deployed) -> None:
    registry.registry.anchor(registry.issuer, b"\x01" * 32, 1)  # the issuer has used a nonce
    provider = _StaleNonceOnce(registry.rpc_url)
    client = RegistryClient(Web3(provider), registry.registry.address, rpc_url=registry.rpc_url)

    receipt = client.anchor(registry.issuer, b"\x02" * 32, 1)

    assert provider.stale_answers == 1
    assert client.batch(b"\x02" * 32) is not None
    assert receipt.block_number == client.block_number()
