"""Microcred's one exception tree. Domain code raises these; the API maps them to HTTP in
``backend/api/errors.py`` and the CLI to messages and exit codes. Each keeps its inputs as
attributes and never carries a secret."""

from __future__ import annotations

from typing import Any

from backend.chain.endpoint import shown_rpc_url


class MicrocredError(Exception):
    """Base of every error Microcred raises on purpose."""

    code = "error"


# ───────────────────────────── input ─────────────────────────────


class InvalidInput(MicrocredError):
    """Raised when something a user supplied is wrong; `problems` lists each place and reason."""

    code = "invalid_input"

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        self.problems = problems or []
        details = "".join(f"\n  {p}" for p in self.problems[:50])
        more = f"\n  … and {len(self.problems) - 50} more" if len(self.problems) > 50 else ""
        super().__init__(message + details + more)


class MalformedInput(InvalidInput):
    """Raised when an input cannot even be read: not UTF-8, not JSON, not a PDF, empty."""

    code = "malformed_input"


class Problem:
    """One thing wrong in an input: where (`line` of a file, or `entry` of a JSON list; `field`)
    and what (`message`)."""

    __slots__ = ("entry", "field", "line", "message")

    def __init__(
        self, message: str, *, line: int | None = None, field: str | None = None, entry: int | None = None
    ) -> None:
        self.message = message
        self.line = line
        self.field = field
        self.entry = entry

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "entry": self.entry, "field": self.field, "message": self.message}

    def __str__(self) -> str:
        parts = [f"line {self.line}" if self.line else "", f"entry {self.entry}" if self.entry else ""]
        if self.field:
            parts.append(f"column {self.field!r}" if self.line else self.field)
        where = ", ".join(part for part in parts if part)
        return f"{where}: {self.message}" if where else self.message

    def __repr__(self) -> str:
        return f"Problem({self.message!r}, line={self.line!r}, entry={self.entry!r}, field={self.field!r})"


class NotFound(MicrocredError):
    """Raised when a named thing (template, batch, credential, issuer) does not exist for the caller."""

    code = "not_found"

    def __init__(self, kind: str, key: object) -> None:
        self.kind = kind
        self.key = key
        super().__init__(f"no {kind} {key!r}")


class Conflict(MicrocredError):
    """Raised when a request contradicts the current state (a revoked credential revoked again...)."""

    code = "conflict"


class Unauthorized(MicrocredError):
    """Raised when a request carries no valid API key, or a key for another issuer."""

    code = "unauthorized"


class PayloadTooLarge(MicrocredError):
    """Raised when an upload is larger than the service accepts; `limit` is in bytes."""

    code = "payload_too_large"

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(f"the upload is larger than {limit / 1_048_576:g} MB")


class UnsupportedMediaType(MicrocredError):
    """Raised when a request body is of a type the route does not read; `media_type` is what came."""

    code = "unsupported_media_type"

    def __init__(self, media_type: str) -> None:
        self.media_type = media_type
        super().__init__(f"send JSON or a multipart form with a 'file' field, not {media_type!r}")


class ConfigurationError(MicrocredError):
    """Raised when the settings cannot work: a missing key, a registry with no code, a bad keystore."""

    code = "configuration"


# ───────────────────────────── chain ─────────────────────────────


class ChainError(MicrocredError):
    """Base of errors talking to the chain."""

    code = "chain_error"


class ChainUnavailable(ChainError):
    """Raised when the RPC endpoint cannot be reached or does not answer in time."""

    code = "chain_unavailable"

    def __init__(self, rpc_url: str, reason: str) -> None:
        self.rpc_url = shown_rpc_url(rpc_url)  # never the key a provider's URL carries
        self.reason = reason
        super().__init__(f"the chain at {self.rpc_url} cannot be reached: {reason}")


class RpcError(ChainError):
    """Raised when the node answers but refuses the request (a JSON-RPC error that is not a revert)."""

    code = "rpc_error"

    def __init__(self, rpc_url: str, reason: str) -> None:
        self.rpc_url = shown_rpc_url(rpc_url)  # never the key a provider's URL carries
        self.reason = reason
        super().__init__(f"the node at {self.rpc_url} refused the request: {reason}")


class TransactionFailed(ChainError):
    """Raised when a transaction was mined but reverted, or was not mined in time."""

    code = "transaction_failed"

    def __init__(self, tx_hash: str, reason: str, *, reverted: bool = False) -> None:
        self.tx_hash = tx_hash
        self.reason = reason
        self.reverted = reverted  # mined and reverted, as opposed to not mined or not confirmed
        super().__init__(f"transaction {tx_hash} failed: {reason}")


class RegistryError(ChainError):
    """Raised when the registry refuses a call with one of its custom errors (ICredentialRegistry.sol).

    `name` is the Solidity error's name and `args` its decoded arguments by name.
    """

    code = "registry_error"

    def __init__(self, name: str, args: dict[str, Any]) -> None:
        self.name = name
        self.args_by_name = args
        shown = ", ".join(f"{k}={v!r}" for k, v in args.items())
        super().__init__(f"the registry refused the call: {name}({shown})")


class BatchAlreadyAnchored(RegistryError):
    """Raised when a root was anchored before (the contract's ``BatchExists``)."""

    code = "batch_exists"


class IssuerNotActive(RegistryError):
    """Raised when the issuer is not registered or was made inactive."""

    code = "issuer_not_active"


class NotBatchIssuer(RegistryError):
    """Raised when an account that is neither the batch's issuer nor a registrar tries to revoke."""

    code = "not_batch_issuer"


REGISTRY_ERRORS: dict[str, type[RegistryError]] = {
    "BatchExists": BatchAlreadyAnchored,
    "IssuerNotActive": IssuerNotActive,
    "NotBatchIssuer": NotBatchIssuer,
}
