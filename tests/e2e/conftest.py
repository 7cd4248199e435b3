"""The pages in a real browser: Debian's Chromium driven by Playwright, the app on a real uvicorn."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import httpx
import pytest
import uvicorn
from eth_account import Account
from playwright.sync_api import Browser, Page, sync_playwright

from backend.api.app import create_app
from backend.batches.service import IssuanceService
from backend.chain.anvil import ANVIL_KEYS, Anvil, free_port
from backend.chain.client import RegistryClient, deploy_registry
from backend.settings import Settings
from backend.signing.keys import IssuerKey
from backend.store import Store
from backend.verification import Verifier
from backend.wiring import ensure_issuer
from tests.conftest import Deployed, Issued, issue_sample

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


class Site(NamedTuple):
    url: str
    issuance: IssuanceService
    registry: Deployed
    issued: Issued


@pytest.fixture(scope="module")
def site(anvil: Anvil, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    admin, issuer, other = (Account.from_key(k) for k in ANVIL_KEYS[:3])
    probe = RegistryClient.connect(anvil.rpc_url, admin.address)
    client = RegistryClient.connect(anvil.rpc_url, deploy_registry(probe.w3, admin, admin=admin.address))
    client.register_issuer(admin, issuer.address, "Politechnika Poznańska", "https://put.poznan.pl")
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'microcred.db'}")
    key = IssuerKey(issuer)
    issuance = IssuanceService(store, client, {key.address: key})
    ensure_issuer(issuance, key, country="PL")
    port = free_port()
    settings = Settings(rpc_url=anvil.rpc_url, registry=client.address, public_url=f"http://127.0.0.1:{port}")
    verifier = Verifier({}, default_rpc=anvil.rpc_url, trusted_registries=[client.address])
    app = create_app(settings, issuance=issuance, verifier=verifier)
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
        yield Site(
            url, issuance, Deployed(anvil.rpc_url, client, admin, issuer, other), issue_sample(issuance)
        )
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        store.dispose()


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
