"""Settings from ``MICROCRED_*`` environment variables, over the local stack that ``make run`` left.

Order: an environment variable wins; else ``.microcred/local.json`` (written by ``microcred run``:
the local chain's RPC URL, the registry it deployed and the demo issuer's key); else the default.
Secrets are ``SecretStr`` so that they never show in a repr, a log or an error message.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[1]
# Where `microcred run` keeps the local chain's state and what it deployed; tests move it.
STATE_DIR = Path(os.environ.get("MICROCRED_STATE_DIR") or PROJECT_ROOT / ".microcred")
LOCAL_STACK_FILE = STATE_DIR / "local.json"


class LocalStackSource(PydanticBaseSettingsSource):
    """Values from the file ``microcred run`` writes, so that later commands need no configuration."""

    def __init__(self, settings_cls: type[BaseSettings], path: Path) -> None:
        super().__init__(settings_cls)
        self.path = path

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        if not self.path.exists():
            return {}
        data: dict[str, Any] = json.loads(self.path.read_text(encoding="utf-8"))
        return {k: v for k, v in data.items() if k in self.settings_cls.model_fields}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MICROCRED_", extra="ignore")

    environment: Literal["development", "production"] = "development"
    rpc_url: str = "http://127.0.0.1:8545"
    rpc_timeout: float = Field(10.0, gt=0)
    registry: str | None = None
    confirmations: int = Field(0, ge=0)
    tx_timeout: float = Field(120.0, gt=0)
    database_url: str = f"sqlite:///{STATE_DIR / 'microcred.db'}"
    public_url: str = "http://127.0.0.1:8000"
    host: str = "127.0.0.1"
    port: int = 8000
    # Verification: more chains' RPC URLs as JSON ({"8453": "https://…"}), the registries trusted
    # besides MICROCRED_REGISTRY, and the block to search the registry's events from.
    verify_rpc_urls: dict[int, str] = Field(default_factory=dict)
    trusted_registries: list[str] = Field(default_factory=list)
    registry_from_block: int = Field(0, ge=0)
    # The port of the Anvil chain `microcred run` starts when MICROCRED_RPC_URL is not set.
    local_rpc_port: int = 8545

    # Issuer signing keys: an encrypted keystore (eth-account JSON) and its passphrase, or in
    # development only, the raw key.
    issuer_keystore: Path | None = None
    issuer_passphrase: SecretStr | None = None
    issuer_key: SecretStr | None = None
    # A relayer pays gas for issuers' signed batches (anchorSigned) when set.
    relayer_key: SecretStr | None = None
    # A registrar's key, for revoking another issuer's batch (key compromise); development only.
    registrar_key: SecretStr | None = None
    # The country credentials name for an issuer the database does not know yet (ISO 3166-1).
    issuer_country: str = "BE"
    # The demo issuer's API key, kept by `microcred run` in .microcred/local.json (development).
    demo_api_key: SecretStr | None = None
    # Take up, when the service starts, the batches a stopped service left unfinished.
    resume_on_start: bool = True
    # Largest upload the API accepts (a credential, a PDF, a cohort file).
    max_upload_bytes: int = Field(5 * 1024 * 1024, gt=0)
    max_cohort_bytes: int = Field(200 * 1024 * 1024, gt=0)

    @model_validator(mode="after")
    def _no_raw_keys_in_production(self) -> Settings:
        if self.environment == "production" and self.issuer_key is not None:
            raise ValueError(
                "MICROCRED_ISSUER_KEY is for development only; in production use "
                "MICROCRED_ISSUER_KEYSTORE with MICROCRED_ISSUER_PASSPHRASE"
            )
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, LocalStackSource(settings_cls, LOCAL_STACK_FILE))


@cache
def get_settings() -> Settings:
    return Settings()
