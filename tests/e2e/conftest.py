"""The pages in a real browser: Debian's Chromium driven by Playwright, the app on a real uvicorn."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, sync_playwright

from backend.api.app import create_app
from backend.batches.service import IssuanceService
from backend.chain.anvil import Anvil, free_port
from backend.settings import Settings
from backend.store import Store
from backend.verification import Verifier
from tests.conftest import Deployed, Issued, deploy_with_issuer, issuance_for, issue_sample

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


class Site(NamedTuple):
    url: str
    issuance: IssuanceService
    registry: Deployed
    issued: Issued


@contextmanager
def serve(app: FastAPI, port: int) -> Iterator[str]:
    """`app` on a real uvicorn at 127.0.0.1:`port` until the block ends; yields its URL."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            httpx.get(f"{url}/health", timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.05)
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def site(anvil: Anvil, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    deployed = deploy_with_issuer(anvil.rpc_url)
    client = deployed.registry
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'microcred.db'}")
    issuance = issuance_for(store, deployed)
    port = free_port()
    settings = Settings(rpc_url=anvil.rpc_url, registry=client.address, public_url=f"http://127.0.0.1:{port}")
    verifier = Verifier({}, default_rpc=anvil.rpc_url, trusted_registries=[client.address])
    try:
        with serve(create_app(settings, issuance=issuance, verifier=verifier), port) as url:
            yield Site(url, issuance, deployed, issue_sample(issuance))
    finally:
        store.dispose()


@pytest.fixture(scope="module")
def offline(site: Site) -> Iterator[str]:
    """The same service and credentials, verifying through an RPC that does not answer."""
    port, dead_rpc = free_port(), f"http://127.0.0.1:{free_port()}"
    registry = site.registry.registry.address
    settings = Settings(rpc_url=dead_rpc, registry=registry, rpc_timeout=2, resume_on_start=False)
    verifier = Verifier({}, default_rpc=dead_rpc, trusted_registries=[registry], timeout=2)
    with serve(create_app(settings, issuance=site.issuance, verifier=verifier), port) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail("the page tests need Debian's Chromium at /usr/bin/chromium: run `make system-packages`")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    page = context.new_page()
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
