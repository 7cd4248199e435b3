"""The shared conformance vectors (tests/vectors/, copied unchanged from the spec's shared folder)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

VECTORS_DIR = Path(__file__).with_name("vectors")
VECTOR_FILES = sorted(p.name for p in VECTORS_DIR.glob("batch-*.json"))
ANVIL_KEY_0 = bytes.fromhex("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80")


@cache
def load_vector(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((VECTORS_DIR / name).read_text(encoding="utf-8"))
    return data
