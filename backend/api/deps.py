"""Dependencies for the routes, as ``Annotated`` aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader

from backend.batches.service import IssuanceService
from backend.chain.client import RegistryClient
from backend.errors import Unauthorized
from backend.settings import Settings
from backend.store import IssuerRow, Store
from backend.verification import Verifier

_api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="the issuer's API key")


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _registry(request: Request) -> RegistryClient:
    client: RegistryClient = request.app.state.registry
    return client


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _issuance(request: Request) -> IssuanceService:
    service: IssuanceService = request.app.state.issuance
    return service


def _verifier(request: Request) -> Verifier:
    verifier: Verifier = request.app.state.verifier
    return verifier


def _current_issuer(request: Request, api_key: Annotated[str | None, Security(_api_key_header)]) -> IssuerRow:
    if not api_key:
        raise Unauthorized("this route needs the issuer's API key in the X-API-Key header")
    issuer = _store(request).issuer_by_api_key(api_key)
    if issuer is None:
        raise Unauthorized("the API key is not valid")
    return issuer


SettingsDep = Annotated[Settings, Depends(_settings)]
RegistryDep = Annotated[RegistryClient, Depends(_registry)]
StoreDep = Annotated[Store, Depends(_store)]
IssuanceDep = Annotated[IssuanceService, Depends(_issuance)]
IssuerDep = Annotated[IssuerRow, Depends(_current_issuer)]
VerifierDep = Annotated[Verifier, Depends(_verifier)]
