"""How an RPC endpoint is named wherever people can read it: errors, reports, ``/health``.

Providers put the account's API key in the URL (``https://mainnet.infura.io/v3/<key>``,
``…/v2/<key>``, ``?apikey=…``, ``https://user:pass@host``), and the service shows its endpoint
on public surfaces. Only the scheme, host and port are shown; anything after them is ``…``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

UNNAMED = "the RPC endpoint"


def shown_rpc_url(url: str) -> str:
    """`url` fit to show: ``https://mainnet.infura.io/…`` for ``https://mainnet.infura.io/v3/<key>``."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:
        return UNNAMED
    if not parts.scheme or not host:
        return UNNAMED
    shown = f"{parts.scheme}://{f'[{host}]' if ':' in host else host}{f':{port}' if port else ''}"
    hidden = parts.path.strip("/") or parts.query or parts.fragment or parts.username or parts.password
    return f"{shown}/…" if hidden else shown
