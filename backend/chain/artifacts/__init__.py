"""The compiled registry, committed so that the service needs no compiler at run time."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

CONTRACT_NAME = "CredentialRegistry"
ARTIFACT_PATH = Path(__file__).with_name(f"{CONTRACT_NAME}.json")


class Artifact(NamedTuple):
    abi: list[dict[str, Any]]
    bytecode: str
    deployed_bytecode: str


@cache
def load_artifact(path: Path = ARTIFACT_PATH) -> Artifact:
    """The registry's ABI and bytecode as built by ``python -m backend.chain.build``."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return Artifact(abi=data["abi"], bytecode=data["bytecode"], deployed_bytecode=data["deployedBytecode"])
