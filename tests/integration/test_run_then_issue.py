"""`microcred run` (what `make run` starts), then `microcred issue` with no configuration at all."""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx

from backend.chain.anvil import free_port, port_in_use
from tests.integration.cli import MICROCRED, ROOT, clean_env, microcred, microcred_issue
from tests.samples import COHORT_CSV, TEMPLATE


def wait_for_line(process: subprocess.Popen[str], pattern: str, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    assert process.stdout is not None
    seen = []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            break
        seen.append(line)
        if re.search(pattern, line):
            return line
    raise AssertionError(f"no line matching {pattern!r}; output was:\n{''.join(seen)}")


def test_run_serves_and_issue_needs_no_configuration(tmp_path: Path) -> None:
    state = tmp_path / "state"
    port, rpc_port = free_port(), free_port()
    service_env = clean_env(state, port=str(port), local_rpc_port=str(rpc_port))
    process = subprocess.Popen(
        [MICROCRED, "run"],
        env=service_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=ROOT,
    )
    try:
        key_line = wait_for_line(process, r"API key: mc_")
        api_key = key_line.split("API key: ")[1].split()[0]
        wait_for_line(process, r"serving")
        base = f"http://127.0.0.1:{port}"
        for _ in range(50):
            try:
                health = httpx.get(f"{base}/health", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert health.status_code == 200
        assert health.json()["chainId"] == 31337

        (tmp_path / "T.json").write_text(json.dumps(TEMPLATE), encoding="utf-8")
        (tmp_path / "L.csv").write_bytes(COHORT_CSV)
        # Only the state folder: no RPC URL, registry, key or database is given.
        result = microcred_issue(
            tmp_path / "T.json", tmp_path / "L.csv", tmp_path / "out", env=clean_env(state)
        )
        assert result.returncode == 0, result.stderr
        assert len(list((tmp_path / "out").glob("*.json"))) == 4

        batches = httpx.get(f"{base}/api/v1/batches", headers={"X-API-Key": api_key}, timeout=5).json()
        assert [b["state"] for b in batches] == ["confirmed"]
        assert batches[0]["registry"] == health.json()["registry"]
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
        assert process.stdout is not None
        process.stdout.close()
    assert process.returncode == 0
    assert json.loads((state / "local.json").read_text())["registry"] == health.json()["registry"]


def test_run_with_its_port_taken_says_so_and_starts_nothing(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port, rpc_port = taken.getsockname()[1], free_port()

        result = microcred(
            "run", env=clean_env(tmp_path / "state", port=str(port), local_rpc_port=str(rpc_port)), timeout=30
        )

    assert result.returncode == 2
    assert f"port {port} is in use" in result.stderr
    assert "MICROCRED_PORT" in result.stderr
    assert "started Anvil" not in result.stdout
    assert not (tmp_path / "state" / "anvil-state.json").exists()


def test_closing_the_terminal_stops_the_chain_and_keeps_its_state(tmp_path: Path) -> None:
    """A closed terminal sends SIGHUP: the chain started must not outlive the service and hold
    its port, or the next `make run` finds the port taken."""
    state, rpc_port = tmp_path / "state", free_port()
    process = subprocess.Popen(
        [MICROCRED, "run"],
        env=clean_env(state, port=str(free_port()), local_rpc_port=str(rpc_port)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=ROOT,
    )
    try:
        wait_for_line(process, r"serving")
        process.send_signal(signal.SIGHUP)
        process.wait(timeout=30)
        for _ in range(50):
            if not port_in_use("127.0.0.1", rpc_port):
                break
            time.sleep(0.1)
        assert not port_in_use("127.0.0.1", rpc_port), "anvil outlived the service"
        assert (state / "anvil-state.json").exists()
    finally:
        if process.poll() is None:
            process.kill()
        assert process.stdout is not None
        process.stdout.close()
        subprocess.run(["pkill", "-f", f"anvil.*--port {rpc_port}"], check=False)
