"""Reads a settings module as a fresh process would under a given environment, for tests of the modes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
_PRINT_SETTINGS = """
import json, sys
import importlib
module = importlib.import_module(sys.argv[1])
print(json.dumps({name: getattr(module, name, None) for name in sys.argv[2:]}, default=str))
"""


def settings_of(module: str, names: list[str], environment: dict[str, str], tmp_path: Path) -> dict[str, object]:
    """Import a settings module in a fresh interpreter under `environment`; a value it lacks reads None."""
    completed = run_settings_import(module, names, environment, tmp_path)
    if completed.returncode != 0:
        raise AssertionError(f"importing {module} failed:\n{completed.stderr}")
    values: dict[str, object] = json.loads(completed.stdout)
    return values


def run_settings_import(
    module: str, names: list[str], environment: dict[str, str], tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    """The finished import, so a test can also see a mode refuse to start."""
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("AZORA_", "DJANGO_"))}
    clean.pop("DATABASE_URL", None)
    clean.pop("REDIS_URL", None)
    env = {**clean, "AZORA_DATA_DIR": str(tmp_path), **environment}
    return subprocess.run(  # noqa: S603 -- our own interpreter on a fixed script
        [sys.executable, "-c", _PRINT_SETTINGS, module, *names],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
