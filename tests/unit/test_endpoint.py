"""An RPC URL is shown without what a provider puts in it: its API key."""

from __future__ import annotations

import pytest

from backend.chain.endpoint import shown_rpc_url
from backend.errors import ChainUnavailable, RpcError


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http://127.0.0.1:8545", "http://127.0.0.1:8545"),
        ("http://127.0.0.1:8545/", "http://127.0.0.1:8545"),
        ("https://mainnet.infura.io/v3/0123456789abcdef", "https://mainnet.infura.io/…"),
        ("https://base-sepolia.g.alchemy.com/v2/SeCrEt", "https://base-sepolia.g.alchemy.com/…"),
        ("https://rpc.example/?apikey=SeCrEt", "https://rpc.example/…"),
        ("https://user:SeCrEt@rpc.example:8443", "https://rpc.example:8443/…"),
        ("http://[::1]:8545/SeCrEt", "http://[::1]:8545/…"),
        ("not a url", "the RPC endpoint"),
        ("", "the RPC endpoint"),
        ("http://[::1", "the RPC endpoint"),
    ],
)
def test_shown_rpc_url_keeps_scheme_host_and_port_only(url: str, shown: str) -> None:
    assert shown_rpc_url(url) == shown


def test_chain_errors_never_carry_the_key() -> None:
    url = "https://mainnet.infura.io/v3/0123456789abcdef"
    for error in (ChainUnavailable(url, "ConnectTimeout"), RpcError(url, "rate limited")):
        assert "0123456789abcdef" not in f"{error} {error!r} {error.rpc_url}"
