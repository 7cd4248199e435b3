"""Dependencies for the routes, as ``Annotated`` aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from backend.chain.client import RegistryClient
from backend.settings import Settings


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _registry(request: Request) -> RegistryClient:
    client: RegistryClient = request.app.state.registry
    return client


SettingsDep = Annotated[Settings, Depends(_settings)]
RegistryDep = Annotated[RegistryClient, Depends(_registry)]
