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
from backend.chain.local import bring_up
from backend.settings import LOCAL_STACK_FILE, STATE_DIR, Settings

LOCAL_RPC_HOST, LOCAL_RPC_PORT = "127.0.0.1", 8545


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


def _stop_on_sigterm(signum: int, frame: object) -> None:
    # uvicorn re-raises the signal that stopped it once it has shut down; turning SIGTERM into
    # KeyboardInterrupt lets the chain we started stop (and save its state) like on Ctrl-C.
    raise KeyboardInterrupt


def run(args: argparse.Namespace) -> int:
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    external_rpc = os.environ.get("MICROCRED_RPC_URL")
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
            if port_in_use(LOCAL_RPC_HOST, LOCAL_RPC_PORT):
                print(
                    f"port {LOCAL_RPC_PORT} is in use: stop what runs there, "
                    "or set MICROCRED_RPC_URL to use it",
                    file=sys.stderr,
                )
                return 2
            anvil = Anvil(
                host=LOCAL_RPC_HOST,
                port=LOCAL_RPC_PORT,
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
        LOCAL_STACK_FILE.write_text(
            json.dumps(
                {
                    "rpc_url": rpc_url,
                    "registry": local.registry,
                    "chain_id": local.chain_id,
                    "issuer_key": issuer_key,
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

        settings = Settings(rpc_url=rpc_url, registry=local.registry)
        from backend.api.app import create_app

        app = create_app(settings)
        print(f"serving {settings.public_url}  (Ctrl-C stops the service and the chain)")
        uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning")
    return 0
