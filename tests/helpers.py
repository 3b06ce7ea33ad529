"""Helpers the test modules share: invoking the CLI, checking its errors, loading bad scenarios."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from simulator.cli import main
from simulator.errors import InputError
from simulator.scenario.loading import load_scenario


def run(*args: str | Path) -> Result:
    """Invoke the CLI in-process with ``args``."""
    return CliRunner().invoke(main, [str(a) for a in args])


def without_time(text: str) -> dict[str, Any]:
    """Parse JSON output and drop its one non-deterministic field, the creation time."""
    data = json.loads(text)
    del data["provenance"]["created"]
    return data


def failed(result: Result, *expected: str) -> None:
    """Check a user error: exit 2, no traceback, nothing on stdout, each expected text on stderr."""
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.stdout == ""
    for text in expected:
        assert text in result.stderr, (text, result.stderr)


def problem_fields(path: Path, text: str) -> list[str]:
    """Write ``text`` to ``path`` and return the field paths of the problems loading it reports."""
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    return [p.field for p in caught.value.problems]
