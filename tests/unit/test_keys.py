from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest
from eth_account import Account

from backend.errors import ConfigurationError
from backend.signing.keys import IssuerKey
from tests.vectors_data import ANVIL_KEY_0

ADDRESS = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"


def test_keystore_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "issuer.json"
    path.write_text(json.dumps(Account.encrypt(ANVIL_KEY_0, "correct horse")))

    assert IssuerKey.from_keystore(path, "correct horse").address == ADDRESS


def test_wrong_passphrase_names_the_file_not_the_key(tmp_path: Path) -> None:
    path = tmp_path / "issuer.json"
    path.write_text(json.dumps(Account.encrypt(ANVIL_KEY_0, "correct horse")))

    with pytest.raises(ConfigurationError, match="wrong passphrase") as caught:
        IssuerKey.from_keystore(path, "battery staple")
    assert "issuer.json" in str(caught.value)


def test_key_never_shows_in_repr_str_or_pickle() -> None:
    key = IssuerKey.unsafe_from_hex("0x" + ANVIL_KEY_0.hex())

    assert repr(key) == str(key) == f"IssuerKey({ADDRESS})"
    assert ANVIL_KEY_0.hex() not in repr(vars(type(key)))
    with pytest.raises(TypeError, match="never data"):
        pickle.dumps(key)


def test_bad_raw_key_error_does_not_quote_it() -> None:
    with pytest.raises(ConfigurationError) as caught:
        IssuerKey.unsafe_from_hex("0x1234deadbeef")
    assert "1234deadbeef" not in str(caught.value)
