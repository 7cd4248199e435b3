"""The FastAPI application: ``create_app(settings)`` wires settings, store, chain and routes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
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
        yield
        store.dispose()

    app = FastAPI(
        title="Microcred",
        version=backend.__version__,
        description="Issue and verify EU micro-credentials anchored on an Ethereum registry.",
        lifespan=lifespan,
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
    return app
