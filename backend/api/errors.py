"""The one place where domain errors become HTTP responses: ``{"code": ..., "detail": ...}``."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from backend.errors import (
    ChainUnavailable,
    ConfigurationError,
    Conflict,
    InvalidInput,
    MalformedInput,
    MicrocredError,
    NotFound,
    PayloadTooLarge,
    RegistryError,
    RpcError,
    TransactionFailed,
    Unauthorized,
    UnsupportedMediaType,
)

STATUS_BY_ERROR: tuple[tuple[type[MicrocredError], int], ...] = (
    (MalformedInput, 400),
    (InvalidInput, 422),
    (PayloadTooLarge, 413),
    (UnsupportedMediaType, 415),
    (NotFound, 404),
    (Conflict, 409),
    (Unauthorized, 401),
    (ChainUnavailable, 503),
    (RpcError, 502),
    (RegistryError, 409),
    (TransactionFailed, 502),
    (ConfigurationError, 500),
)


def status_for(error: MicrocredError) -> int:
    for kind, status in STATUS_BY_ERROR:
        if isinstance(error, kind):
            return status
    return 500


async def _handle(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, MicrocredError)
    body: dict[str, object] = {"code": error.code, "detail": str(error).split("\n", 1)[0]}
    if isinstance(error, InvalidInput):
        body["problems"] = [p.as_dict() for p in error.problems]
    return JSONResponse(body, status_code=status_for(error))


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(MicrocredError, _handle)
