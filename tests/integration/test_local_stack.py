from __future__ import annotations

from pathlib import Path

from backend.chain.anvil import ANVIL_KEYS, Anvil
from backend.chain.client import RegistryClient
from backend.chain.local import DEMO_ISSUER_NAME, bring_up


def test_local_stack_deploys_once_and_survives_chain_restart(tmp_path: Path) -> None:
    state = tmp_path / "anvil-state.json"
    with Anvil(state_file=state) as anvil:
        first = bring_up(
            anvil.rpc_url, deployer_key=ANVIL_KEYS[0], issuer_key=ANVIL_KEYS[1], remembered_registry=None
        )
        again = bring_up(
            anvil.rpc_url,
            deployer_key=ANVIL_KEYS[0],
            issuer_key=ANVIL_KEYS[1],
            remembered_registry=first.registry,
        )
        port = anvil.port

    with Anvil(port=port, state_file=state) as anvil:
        restarted = bring_up(
            anvil.rpc_url,
            deployer_key=ANVIL_KEYS[0],
            issuer_key=ANVIL_KEYS[1],
            remembered_registry=first.registry,
        )
        issuer = RegistryClient.connect(anvil.rpc_url, restarted.registry).issuer(restarted.issuer)

    assert first.deployed
    assert first.issuer_registered_now
    assert (again.deployed, again.issuer_registered_now, again.registry) == (False, False, first.registry)
    assert (restarted.deployed, restarted.issuer_registered_now, restarted.registry) == (
        False,
        False,
        first.registry,
    )
    assert issuer.name == DEMO_ISSUER_NAME
    assert issuer.active


def test_local_stack_deploys_anew_when_remembered_registry_is_gone() -> None:
    with Anvil() as anvil:
        stack = bring_up(
            anvil.rpc_url,
            deployer_key=ANVIL_KEYS[0],
            issuer_key=ANVIL_KEYS[1],
            remembered_registry="0x000000000000000000000000000000000000dEaD",
        )

    assert stack.deployed
    assert stack.registry != "0x000000000000000000000000000000000000dEaD"
