"""Compile the registry with py-solc-x into the artifact the service loads.

Run as ``python -m backend.chain.build`` (``make`` does it when a contract changes). The output is
deterministic, so the committed artifact must equal a fresh compile; a test checks that.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import solcx

from backend.chain.artifacts import ARTIFACT_PATH, CONTRACT_NAME

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SOLC_VERSION = "0.8.28"
EVM_VERSION = "cancun"
OPTIMIZER_RUNS = 10_000
SOURCE = "contracts/CredentialRegistry.sol"
REMAPPINGS = ["@openzeppelin/contracts/=node_modules/@openzeppelin/contracts/"]


def compiler_settings() -> dict[str, Any]:
    """The solc settings every build uses; ape-config.yaml pins the same version and EVM."""
    return {
        "optimizer": {"enabled": True, "runs": OPTIMIZER_RUNS},
        "evmVersion": EVM_VERSION,
        "remappings": REMAPPINGS,
        "outputSelection": {
            SOURCE: {CONTRACT_NAME: ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"]}
        },
    }


def compile_registry(root: Path = PROJECT_ROOT) -> dict[str, Any]:
    """Compile the registry found under `root` and return the artifact as a JSON-ready dict."""
    sources = {
        str(path.relative_to(root)): {"content": path.read_text(encoding="utf-8")}
        for path in sorted((root / "contracts").glob("*.sol"))
    }
    output = solcx.compile_standard(
        {"language": "Solidity", "sources": sources, "settings": compiler_settings()},
        solc_version=SOLC_VERSION,
        base_path=str(root),
        allow_paths=[str(root)],
    )
    errors = [e for e in output.get("errors", []) if e.get("severity") == "error"]
    if errors:
        raise RuntimeError("solc failed:\n" + "\n".join(e["formattedMessage"] for e in errors))
    contract = output["contracts"][SOURCE][CONTRACT_NAME]
    return {
        "contractName": CONTRACT_NAME,
        "sourceName": SOURCE,
        "compiler": {"version": SOLC_VERSION, "settings": compiler_settings()},
        "abi": contract["abi"],
        "bytecode": "0x" + contract["evm"]["bytecode"]["object"],
        "deployedBytecode": "0x" + contract["evm"]["deployedBytecode"]["object"],
    }


def render(artifact: dict[str, Any]) -> str:
    """The artifact as the committed file holds it: stable key order, one trailing newline."""
    return json.dumps(artifact, indent=2, sort_keys=True) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ARTIFACT_PATH)
    args = parser.parse_args()
    args.out.write_text(render(compile_registry()), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
