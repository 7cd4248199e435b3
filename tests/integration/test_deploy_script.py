"""`ape run deploy` on a public network of ape-config.yaml, its RPC URL taken from the environment.

No public network is reachable here, so an Anvil answering with Sepolia's chain id stands at the
URL that ``MICROCRED_SEPOLIA_RPC_URL`` names, mining a block a second so that ape's two Sepolia
confirmations arrive. The test proves the network entry is read, the
keyfile account is unlocked from the environment, and the issuers are registered.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from eth_account import Account

from backend.chain.anvil import ANVIL_KEYS, Anvil
from backend.chain.client import RegistryClient

ROOT = Path(__file__).resolve().parents[2]
SEPOLIA_CHAIN_ID = 11155111
ISSUER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
PASSPHRASE = "only-for-this-test"


def run_deploy(rpc_url: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    data_folder = tmp_path / "ape"
    (data_folder / "accounts").mkdir(parents=True)
    keystore = Account.encrypt(ANVIL_KEYS[0], PASSPHRASE)
    (data_folder / "accounts" / "deployer.json").write_text(json.dumps(keystore), encoding="utf-8")
    env = {
        **os.environ,
        "MICROCRED_SEPOLIA_RPC_URL": rpc_url,
        "APE_ACCOUNTS_deployer_PASSPHRASE": PASSPHRASE,
        # A throwaway ape data folder: the test neither reads nor writes the user's accounts.
        "APE_DATA_FOLDER": str(data_folder),
    }
    command = [str(ROOT / ".venv/bin/ape"), "run", "deploy", "--network", "ethereum:sepolia:node"]
    return subprocess.run(
        [*command, "--account", "deployer", "--yes", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def test_deploy_on_sepolia_entry_registers_issuers(tmp_path: Path) -> None:
    issuers = tmp_path / "issuers.json"
    issuers.write_text(
        json.dumps([{"address": ISSUER.lower(), "name": "PUT", "url": "https://put.poznan.pl"}])
    )

    with Anvil(chain_id=SEPOLIA_CHAIN_ID, block_time=1) as anvil:
        result = run_deploy(anvil.rpc_url, tmp_path, "--issuers", str(issuers))
        assert result.returncode == 0, result.stdout + result.stderr
        record = json.loads(result.stdout.strip().splitlines()[-1])
        registry = RegistryClient.connect(anvil.rpc_url, record["registry"])
        issuer = registry.issuer(ISSUER)
        chain_id = registry.chain_id

    assert record["network"] == "ethereum:sepolia"
    assert record["chainId"] == chain_id == SEPOLIA_CHAIN_ID
    assert record["issuers"] == [ISSUER]
    assert (issuer.name, issuer.url, issuer.active) == ("PUT", "https://put.poznan.pl", True)


def test_deploy_names_the_bad_issuer_entry_and_sends_nothing(tmp_path: Path) -> None:
    issuers = tmp_path / "issuers.json"
    issuers.write_text(json.dumps([{"address": ISSUER, "name": "PUT"}, {"address": "0x12", "name": "Bad"}]))

    with Anvil(chain_id=SEPOLIA_CHAIN_ID, block_time=1) as anvil:
        result = run_deploy(anvil.rpc_url, tmp_path, "--issuers", str(issuers))
        nonce = RegistryClient.connect(anvil.rpc_url, ISSUER).w3.eth.get_transaction_count(
            Account.from_key(ANVIL_KEYS[0]).address
        )

    assert result.returncode != 0
    assert "issuer 2" in result.stdout + result.stderr
    assert nonce == 0
