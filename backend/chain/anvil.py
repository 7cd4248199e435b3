"""A local Anvil chain as a child process, for ``make run`` and the tests.

Anvil comes from npm (``@foundry-rs/anvil``); ``make`` installs it in ``node_modules/.bin``.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType

import requests

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# Anvil's first accounts from its default mnemonic: public test material, never real keys.
ANVIL_KEYS = (
    "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
)
ANVIL_CHAIN_ID = 31337


def anvil_binary() -> str:
    """The anvil executable: the native binary npm installed for this platform (not its Node
    launcher, so that signals reach anvil itself), else whatever is on PATH."""
    for native in sorted((PROJECT_ROOT / "node_modules" / "@foundry-rs").glob("anvil-*/bin/anvil")):
        if os.access(native, os.X_OK):
            return str(native)
    found = shutil.which("anvil")
    if found is None:
        raise FileNotFoundError("anvil not found: run `make install` (npm installs @foundry-rs/anvil)")
    return found


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        return sock.connect_ex((host, port)) == 0


class Anvil:
    """``with Anvil(port=...) as chain: chain.rpc_url`` — started on enter, stopped on exit.

    With `state_file`, the chain is loaded from it at start and saved to it at stop, so a
    registry deployed once is still there after a restart.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        state_file: Path | None = None,
        block_time: int | None = None,
        log_file: Path | None = None,
        chain_id: int = ANVIL_CHAIN_ID,
    ) -> None:
        self.host = host
        self.chain_id = chain_id
        self.port = port or free_port(host)
        self.state_file = state_file
        self.block_time = block_time
        self.log_file = log_file
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def rpc_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, *, timeout: float = 30.0) -> Anvil:
        if port_in_use(self.host, self.port):
            raise OSError(f"port {self.port} on {self.host} is already in use")
        args = [
            anvil_binary(),
            "--host",
            self.host,
            "--port",
            str(self.port),
            "--chain-id",
            str(self.chain_id),
        ]
        if self.state_file is not None:
            self.state_file.parent.mkdir(parents=True, exist_ok=True)
            args += ["--state", str(self.state_file)]
        if self.block_time:
            args += ["--block-time", str(self.block_time)]
        output = self.log_file.open("ab") if self.log_file else subprocess.DEVNULL
        self._process = subprocess.Popen(  # noqa: S603 (our own anvil, fixed arguments)
            args, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"anvil exited with code {self._process.returncode} (args: {args})")
            try:
                requests.post(
                    self.rpc_url, json={"jsonrpc": "2.0", "id": 1, "method": "eth_chainId"}, timeout=1
                )
                return self
            except requests.RequestException:
                time.sleep(0.05)
        self.stop()
        raise TimeoutError(f"anvil did not answer on {self.rpc_url} within {timeout:g} s")

    def stop(self) -> None:
        """Stop anvil gracefully (it saves its state on SIGINT) and wait for it."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGINT)  # anvil saves --state on SIGINT
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def __enter__(self) -> Anvil:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
