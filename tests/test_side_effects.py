"""Nothing is written outside the output a user names: no ``.hypothesis`` folder in theirs, nor in ours."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from hypothesis import configuration

ROOT = Path(__file__).parents[1]


def test_regime_check_properties_leaves_the_current_folder_empty(tmp_path: Path) -> None:
    """``regime check --properties`` run as a fresh process in an empty folder leaves it empty."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HYPOTHESIS")}
    command = ["-m", "simulator", "regime", "check", "--properties", "--examples", "5", "japan"]
    result = subprocess.run(
        [sys.executable, *command],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "property survives-dump-and-reload: ok" in result.stdout
    assert sorted(tmp_path.iterdir()) == []


def test_the_suites_hypothesis_files_live_with_pytests_cache() -> None:
    """The suite's Hypothesis database and caches go in ``.pytest_cache/hypothesis``, not ``.hypothesis``."""
    home = configuration.storage_directory(intent_to_write=False).home_directory
    assert home == ROOT / ".pytest_cache" / "hypothesis"
