"""Running the ``microcred`` command as a user does: a subprocess with its own environment."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MICROCRED = str(ROOT / ".venv" / "bin" / "microcred")


def clean_env(state_dir: Path, **variables: str) -> dict[str, str]:
    """The caller's environment without any MICROCRED_* setting, plus `variables`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MICROCRED_")}
    env["MICROCRED_STATE_DIR"] = str(state_dir)
    env.update({f"MICROCRED_{k.upper()}": v for k, v in variables.items()})
    return env


def microcred(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [MICROCRED, *args], env=env, capture_output=True, text=True, timeout=timeout, check=False, cwd=ROOT
    )


def microcred_issue(
    template: Path, learners: Path, out: Path, *, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """``microcred issue --template T --learners L --out OUT``, as a user types it."""
    return microcred(
        "issue", "--template", str(template), "--learners", str(learners), "--out", str(out), env=env
    )
