"""The FastAPI application: ``create_app(settings)`` wires settings, the registry client and routes."""

from __future__ import annotations

from fastapi import FastAPI

import backend
from backend.api.errors import install_error_handlers
from backend.api.routes import health
from backend.chain.client import RegistryClient
from backend.errors import ConfigurationError
from backend.settings import Settings, get_settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    if not settings.registry:
        raise ConfigurationError(
            "no registry address: set MICROCRED_REGISTRY or start the local stack with `make run`"
        )
    app = FastAPI(
        title="Microcred",
        version=backend.__version__,
        description="Issue and verify EU micro-credentials anchored on an Ethereum registry.",
    )
    app.state.settings = settings
    app.state.registry = RegistryClient.connect(
        settings.rpc_url,
        settings.registry,
        timeout=settings.rpc_timeout,
        confirmations=settings.confirmations,
        tx_timeout=settings.tx_timeout,
    )
    install_error_handlers(app)
    app.include_router(health.router)
    return app
