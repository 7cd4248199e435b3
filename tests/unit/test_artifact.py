"""The committed artifact is what the committed contracts compile to."""

from __future__ import annotations

from backend.chain.artifacts import ARTIFACT_PATH
from backend.chain.build import compile_registry, render


def test_committed_artifact_equals_fresh_compile() -> None:
    assert ARTIFACT_PATH.read_text(encoding="utf-8") == render(compile_registry()), (
        "backend/chain/artifacts/CredentialRegistry.json is stale: run `python -m backend.chain.build`"
    )
