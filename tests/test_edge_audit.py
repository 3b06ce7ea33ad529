"""Hard edges the audit of issue #13 found without a test of their own, each now pinned.

The other edges are pinned in tests/test_input_edges.py, tests/test_cli_edges.py,
tests/test_cli_interrupts.py, tests/test_references.py, tests/test_side_effects.py and
tests/test_python_values.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import failed, run

ONE_FAB = (Path(__file__).parent / "scenarios" / "one-fab.toml").read_text(encoding="utf-8")
LONG = "x" * 300 + ".toml"


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("where", ["scenario.regime", "regime.base"])
def test_a_regime_path_over_255_bytes_is_a_missing_file_not_an_os_error(tmp_path: Path, where: str) -> None:
    """A scenario's ``regime`` or a regime's ``base`` of 300 characters is a missing file, clipped."""
    regime = LONG
    if where == "regime.base":
        _write(tmp_path / "r.toml", f'[regime]\nid = "r"\nbase = "{LONG}"\n')
        regime = "r.toml"
    path = _write(tmp_path / "s.toml", ONE_FAB.replace('regime = "japan"', f'regime = "{regime}"'))
    result = run("validate", path)
    failed(result, where, "does not exist", "xxxxxxxxxx…")
    assert LONG not in result.stderr


def test_full_width_letters_are_no_authority_country(tmp_path: Path) -> None:
    """An authority's ``country`` in full-width letters (JP written U+FF2A U+FF30) is no ISO country code."""
    text = ONE_FAB + '\n[[authorities]]\ncountry = "\uff2a\uff30"\nexaminers = 5\n'
    failed(
        run("validate", _write(tmp_path / "s.toml", text)),
        "authorities[0].country: expected an ISO 3166 alpha-2 country code; got '\uff2a\uff30'",
    )
