"""The one place where domain errors become HTTP responses: ``{"code": ..., "detail": ...}``."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from backend.errors import (
    ChainUnavailable,
    ConfigurationError,
    Conflict,
    InvalidInput,
    MalformedInput,
    MicrocredError,
    NotFound,
    PayloadTooLarge,
    Problem,
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


# FastAPI's and Starlette's own refusals (an unknown route, a body it cannot parse, a parameter
# out of its bounds) answer in the same shape, so a client reads every error one way.
CODE_BY_STATUS = {
    400: MalformedInput.code,
    401: Unauthorized.code,
    404: NotFound.code,
    405: "method_not_allowed",
    413: PayloadTooLarge.code,
    415: UnsupportedMediaType.code,
    422: InvalidInput.code,
}


async def _handle_http(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    body = {"code": CODE_BY_STATUS.get(error.status_code, "http_error"), "detail": str(error.detail)}
    return JSONResponse(body, status_code=error.status_code, headers=error.headers)


async def _handle_validation(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    problems = [
        Problem(str(e["msg"]), field=".".join(str(part) for part in e["loc"])) for e in error.errors()
    ]
    body = {
        "code": InvalidInput.code,
        "detail": "the request is invalid: " + "; ".join(str(p) for p in problems[:3]),
        "problems": [p.as_dict() for p in problems],
    }
    return JSONResponse(body, status_code=422)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(MicrocredError, _handle)
    app.add_exception_handler(HTTPException, _handle_http)
    app.add_exception_handler(RequestValidationError, _handle_validation)
