"""Where an issuer's signing key comes from, and the one object that holds it.

An encrypted keystore file (eth-account's keystore JSON, as ``geth`` and ``ape accounts`` write
it) with its passphrase from the environment; or, in development only, the raw key from the
environment. The key never reaches the database, a log, a repr or an error message: an
``IssuerKey`` shows its address and nothing else.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from eth_account import Account
from eth_account.signers.local import LocalAccount

from backend.errors import ConfigurationError, InvalidInput
from backend.signing.eip712 import RegistryDomain, sign_batch


class IssuerKey:
    """An issuer's private key: signs batch roots and transactions; shows only its address."""

    __slots__ = ("__account",)

    def __init__(self, account: LocalAccount) -> None:
        self.__account = account

    @classmethod
    def unsafe_from_hex(cls, private_key: str) -> IssuerKey:
        """From a raw hex key: development and tests only (the key sits in the environment)."""
        try:
            return cls(Account.from_key(private_key))
        except (ValueError, TypeError) as err:
            # The message of eth-keys may quote the key: say what is wrong without it.
            raise ConfigurationError("the issuer key is not a 32-byte hex private key") from err

    @classmethod
    def from_keystore(cls, path: Path, passphrase: str) -> IssuerKey:
        """From an encrypted keystore file.

        Raises:
            ConfigurationError: the file cannot be read, is not a keystore, or the passphrase is wrong.
        """
        try:
            keystore = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as err:
            raise ConfigurationError(f"cannot read the issuer keystore {str(path)!r}: {err}") from err
        try:
            private_key = Account.decrypt(keystore, passphrase)
        except (ValueError, KeyError, TypeError) as err:
            raise ConfigurationError(
                f"cannot decrypt the issuer keystore {str(path)!r}: wrong passphrase or not a keystore"
            ) from err
        return cls(Account.from_key(private_key))

    @property
    def address(self) -> str:
        return str(self.__account.address)

    @property
    def account(self) -> LocalAccount:
        """The eth-account signer, for sending the issuer's own transactions."""
        return self.__account

    def sign_batch(self, domain: RegistryDomain, *, root: bytes, count: int) -> bytes:
        return sign_batch(bytes(self.__account.key), domain, root=root, count=count)

    def __repr__(self) -> str:
        return f"IssuerKey({self.address})"

    __str__ = __repr__

    def __reduce__(self) -> str | tuple[object, ...]:
        raise TypeError("an IssuerKey cannot be pickled: keys are never data")


MIN_PASSPHRASE_LENGTH = 12


def new_keystore(passphrase: str) -> tuple[str, dict[str, Any]]:
    """A new random signing key, encrypted with `passphrase` (scrypt, as geth writes it): its
    address and the keystore JSON. The key itself is never returned.

    Raises:
        InvalidInput: the passphrase is shorter than ``MIN_PASSPHRASE_LENGTH``.
    """
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise InvalidInput(f"the passphrase must have at least {MIN_PASSPHRASE_LENGTH} characters")
    account = Account.create()
    return str(account.address), Account.encrypt(account.key, passphrase)
