"""Build the service's parts from settings: the store, the registry client, issuer keys, relayer.

The CLI and the API both start here, so that a setting means the same in both.
"""

from __future__ import annotations

from pathlib import Path

from eth_account import Account
from eth_account.signers.local import LocalAccount

from backend.batches.service import IssuanceService
from backend.chain.client import RegistryClient
from backend.errors import ConfigurationError
from backend.revocation.service import RevocationService
from backend.settings import Settings
from backend.signing.keys import IssuerKey
from backend.store import IssuerRow, Store
from backend.verification import Verifier


def open_store(settings: Settings) -> Store:
    return Store(settings.database_url)


def registry_client(settings: Settings) -> RegistryClient:
    if not settings.registry:
        raise ConfigurationError(
            "no registry address: set MICROCRED_REGISTRY, or start the local stack with `make run`"
        )
    return RegistryClient.connect(
        settings.rpc_url,
        settings.registry,
        timeout=settings.rpc_timeout,
        confirmations=settings.confirmations,
        tx_timeout=settings.tx_timeout,
    )


def issuer_keys(settings: Settings) -> dict[str, IssuerKey]:
    """Every issuer key the settings give: a keystore file, a folder of them, or a dev raw key."""
    keys: list[IssuerKey] = []
    if settings.issuer_keystore is not None:
        if settings.issuer_passphrase is None:
            raise ConfigurationError(
                "MICROCRED_ISSUER_KEYSTORE is set but MICROCRED_ISSUER_PASSPHRASE is not"
            )
        passphrase = settings.issuer_passphrase.get_secret_value()
        path = Path(settings.issuer_keystore)
        files = sorted(path.glob("*.json")) if path.is_dir() else [path]
        keys += [IssuerKey.from_keystore(file, passphrase) for file in files]
    if settings.issuer_key is not None:
        keys.append(IssuerKey.unsafe_from_hex(settings.issuer_key.get_secret_value()))
    return {key.address: key for key in keys}


def relayer_account(settings: Settings) -> LocalAccount | None:
    if settings.relayer_key is None:
        return None
    try:
        account: LocalAccount = Account.from_key(settings.relayer_key.get_secret_value())
    except (ValueError, TypeError) as err:
        raise ConfigurationError("MICROCRED_RELAYER_KEY is not a 32-byte hex private key") from err
    return account


def issuance_service(settings: Settings, *, store: Store | None = None) -> IssuanceService:
    return IssuanceService(
        store or open_store(settings),
        registry_client(settings),
        issuer_keys(settings),
        relayer=relayer_account(settings),
    )


def ensure_issuer(service: IssuanceService, key: IssuerKey, *, country: str) -> IssuerRow:
    """The database's row for the issuer holding `key`, created from its registry record (its
    registered name and URL) the first time."""
    row = service.store.issuer_by_address(key.address)
    if row is not None:
        return row
    record = service.registry.issuer(key.address)
    if not record.registered:
        raise ConfigurationError(
            f"{key.address} is not a registered issuer of registry {service.registry.address}: "
            "a registrar must call registerIssuer first"
        )
    if not record.url:
        raise ConfigurationError(
            f"issuer {key.address} is registered without a URL, which credentials must carry: "
            "a registrar must call registerIssuer again with one"
        )
    return service.store.add_issuer(address=key.address, name=record.name, url=record.url, country=country)


def verifier(settings: Settings, *, rpc_url: str | None = None, registry: str | None = None) -> Verifier:
    """The verifier the settings describe: the configured RPC for any chain it serves, the
    extra chains of MICROCRED_VERIFY_RPC_URLS, and as trusted registries MICROCRED_REGISTRY and
    MICROCRED_TRUSTED_REGISTRIES; with none configured, any registry the credential names."""
    trusted = [r for r in (registry or settings.registry, *settings.trusted_registries) if r]
    return Verifier(
        settings.verify_rpc_urls,
        default_rpc=rpc_url or settings.rpc_url,
        trusted_registries=trusted or None,
        timeout=settings.rpc_timeout,
        from_block=settings.registry_from_block,
    )


def revocation_service(settings: Settings, *, store: Store | None = None) -> RevocationService:
    """Revocation with the configured issuer keys; also a registrar's key (MICROCRED_REGISTRAR_KEY)."""
    keys = issuer_keys(settings)
    if settings.registrar_key is not None:
        registrar = IssuerKey.unsafe_from_hex(settings.registrar_key.get_secret_value())
        keys[registrar.address] = registrar
    return RevocationService(registry_client(settings), keys, store=store)
