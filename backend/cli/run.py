"""``microcred run``: the whole local service in the foreground (what ``make run`` calls)."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from contextlib import ExitStack

import uvicorn

from backend.chain.anvil import ANVIL_KEYS, Anvil, port_in_use
from backend.chain.local import DEMO_ISSUER_COUNTRY, DEMO_ISSUER_NAME, DEMO_ISSUER_URL, bring_up
from backend.settings import LOCAL_STACK_FILE, STATE_DIR, Settings
from backend.signing.keys import IssuerKey
from backend.store import row_id
from backend.store.db import new_api_key
from backend.wiring import open_store

LOCAL_RPC_HOST = "127.0.0.1"


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "run",
        help="start Anvil (unless MICROCRED_RPC_URL is set), deploy the registry once, serve the API",
        description=__doc__,
    )
    parser.set_defaults(handler=run)


def _remembered() -> dict[str, object]:
    if LOCAL_STACK_FILE.exists():
        data: dict[str, object] = json.loads(LOCAL_STACK_FILE.read_text(encoding="utf-8"))
        return data
    return {}


def _stop_like_ctrl_c(signum: int, frame: object) -> None:
    # uvicorn re-raises the signal that stopped it once it has shut down; turning SIGTERM (kill,
    # systemd) and SIGHUP (the terminal closed) into KeyboardInterrupt lets the chain we started
    # stop and save its state like on Ctrl-C. Anvil runs in a session of its own, so nothing
    # else would stop it: it would hold its port and the next start would find it taken.
    raise KeyboardInterrupt


def ensure_demo_issuer(settings: Settings, issuer_key: str, remembered_api_key: object) -> str:
    """The demo issuer's row in the database and its API key: the remembered one while the
    database still knows it, else a new one."""
    store = open_store(settings)
    try:
        address = IssuerKey.unsafe_from_hex(issuer_key).address
        row = store.issuer_by_address(address)
        if row is None:
            row = store.add_issuer(
                address=address, name=DEMO_ISSUER_NAME, url=DEMO_ISSUER_URL, country=DEMO_ISSUER_COUNTRY
            )
        if isinstance(remembered_api_key, str) and store.issuer_by_api_key(remembered_api_key) is not None:
            return remembered_api_key
        api_key = new_api_key()
        store.set_api_key(row_id(row), api_key)
        return api_key
    finally:
        store.dispose()


def run(args: argparse.Namespace) -> int:
    for stopping in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(stopping, _stop_like_ctrl_c)
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(line_buffering=True)  # each status line shows at once, even in a pipe
    external_rpc = os.environ.get("MICROCRED_RPC_URL")
    configured = Settings()
    rpc_port = configured.local_rpc_port
    if port_in_use(configured.host, configured.port):
        print(
            f"port {configured.port} is in use: stop what runs there, "
            "or set MICROCRED_PORT to serve on another",
            file=sys.stderr,
        )
        return 2
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    remembered = _remembered()
    with ExitStack() as stack:
        if external_rpc:
            rpc_url = external_rpc
            deployer_key = os.environ.get("MICROCRED_DEPLOYER_KEY", "")
            issuer_key = os.environ.get("MICROCRED_ISSUER_KEY", "")
            if not deployer_key or not issuer_key:
                print(
                    "with MICROCRED_RPC_URL set, also set MICROCRED_DEPLOYER_KEY (governance) and "
                    "MICROCRED_ISSUER_KEY (the demo issuer)",
                    file=sys.stderr,
                )
                return 2
        else:
            if port_in_use(LOCAL_RPC_HOST, rpc_port):
                print(
                    f"port {rpc_port} is in use: stop what runs there, or set MICROCRED_RPC_URL to use it",
                    file=sys.stderr,
                )
                return 2
            anvil = Anvil(
                host=LOCAL_RPC_HOST,
                port=rpc_port,
                state_file=STATE_DIR / "anvil-state.json",
                log_file=STATE_DIR / "anvil.log",
            )
            stack.enter_context(anvil)
            rpc_url = anvil.rpc_url
            deployer_key, issuer_key = ANVIL_KEYS[0], ANVIL_KEYS[1]
            print(f"started Anvil on {rpc_url} (state kept in {STATE_DIR / 'anvil-state.json'})")

        same_chain = remembered.get("rpc_url") == rpc_url
        local = bring_up(
            rpc_url,
            deployer_key=deployer_key,
            issuer_key=issuer_key,
            remembered_registry=str(remembered["registry"])
            if same_chain and remembered.get("registry")
            else None,
        )
        settings = Settings(rpc_url=rpc_url, registry=local.registry, issuer_key=issuer_key)
        api_key = ensure_demo_issuer(settings, issuer_key, remembered.get("demo_api_key"))
        LOCAL_STACK_FILE.write_text(
            json.dumps(
                {
                    "rpc_url": rpc_url,
                    "registry": local.registry,
                    "chain_id": local.chain_id,
                    "issuer_key": issuer_key,
                    "demo_api_key": api_key,
                },
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )
        LOCAL_STACK_FILE.chmod(0o600)
        print(
            f"registry {local.registry} on chain {local.chain_id} "
            f"({'deployed now' if local.deployed else 'reused'})"
        )
        print(f"demo issuer {local.issuer}{' (registered now)' if local.issuer_registered_now else ''}")
        print(f"demo issuer API key: {api_key}  (send it as the X-API-Key header)")

        from backend.api.app import create_app

        app = create_app(settings)
        print(f"serving {settings.public_url}  (Ctrl-C stops the service and the chain)")
        uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning")
    return 0
