"""The FastAPI application: ``create_app(settings)`` wires settings, store, chain and routes."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

import backend
from backend.api.errors import install_error_handlers
from backend.api.routes import batches, credentials, health, lifecycle, pages, templates, verify
from backend.batches.service import IssuanceService
from backend.revocation.service import RevocationService
from backend.settings import Settings, get_settings
from backend.store import Store
from backend.verification import Verifier
from backend.wiring import issuance_service, open_store, registry_client
from backend.wiring import verifier as wiring_verifier

# Swagger UI from npm (make installs it): /docs then works with no network, as the pages do.
SWAGGER_UI = Path(__file__).resolve().parents[2] / "node_modules" / "swagger-ui-dist"


def _serve_docs_locally(app: FastAPI, assets: Path) -> None:
    app.mount("/docs-assets", StaticFiles(directory=assets), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} — API",
            swagger_js_url="/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/docs-assets/swagger-ui.css",
            swagger_favicon_url="/docs-assets/favicon-32x32.png",
        )


def create_app(
    settings: Settings | None = None,
    *,
    store: Store | None = None,
    issuance: IssuanceService | None = None,
    verifier: Verifier | None = None,
) -> FastAPI:
    """The service. `store` and `issuance` default to what `settings` describe; tests pass their own."""
    settings = settings or get_settings()
    registry = issuance.registry if issuance is not None else registry_client(settings)
    store = issuance.store if issuance is not None else (store or open_store(settings))
    issuance = issuance or issuance_service(settings, store=store)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        stop = threading.Event()
        worker = threading.Thread(target=issuance.resume_unfinished, kwargs={"stop": stop}, daemon=True)
        if settings.resume_on_start:
            worker.start()
        yield
        stop.set()
        if worker.is_alive():
            worker.join(timeout=settings.tx_timeout)
        store.dispose()

    swagger = SWAGGER_UI if (SWAGGER_UI / "swagger-ui-bundle.js").is_file() else None
    app = FastAPI(
        title="Microcred",
        version=backend.__version__,
        description="Issue and verify EU micro-credentials anchored on an Ethereum registry.",
        lifespan=lifespan,
        docs_url=None if swagger else "/docs",
    )
    app.state.settings = settings
    app.state.registry = registry
    app.state.store = store
    app.state.issuance = issuance
    app.state.verifier = verifier or wiring_verifier(settings, registry=registry.address)
    app.state.revocation = RevocationService(registry, issuance.keys, store=store)
    install_error_handlers(app)
    for module in (health, verify, templates, batches, lifecycle, credentials, pages):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=pages.WEB / "static"), name="static")
    if swagger is not None:
        _serve_docs_locally(app, swagger)
    return app
