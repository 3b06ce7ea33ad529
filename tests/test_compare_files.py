"""``compare`` of whole files: each file is a column of its own, even when two share a scenario id."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import run

ONE_FAB = (Path(__file__).parent / "scenarios" / "one-fab.toml").read_text(encoding="utf-8")


def test_files_sharing_an_id_are_compared_as_two_columns_named_by_file(tmp_path: Path) -> None:
    """Two files with id ``one-fab`` but other stock are two variants, ``a`` and ``b``, and differ.

    The world is deterministic: ``a`` (30 days of stock at the start) is out of stock 133 days,
    as ``run`` of it alone says, and ``b`` (60 days) 124; merged, there would be one column and
    no difference of -9.
    """
    (tmp_path / "a.toml").write_text(ONE_FAB, encoding="utf-8")
    more = ONE_FAB.replace("start_inventory_days = 30.0", "start_inventory_days = 60.0")
    (tmp_path / "b.toml").write_text(more, encoding="utf-8")
    result = run(
        "compare", tmp_path / "a.toml", tmp_path / "b.toml", "--replications", "2", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data["variants"]) == ["a", "b"]
    assert data["baseline"] == "a"
    assert list(data["differences"]) == ["b"]
    assert list(data["provenance"]["scenarios"]) == ["a", "b"]
    a, b = (data["variants"][v]["chipmakers"]["fab"]["photoresist"] for v in ("a", "b"))
    assert (a["stockout_days"]["mean"], b["stockout_days"]["mean"]) == (133.0, 124.0)
    assert data["differences"]["b"]["chipmakers"]["fab"]["photoresist"]["stockout_days"]["mean"] == -9.0


def test_files_of_one_name_in_two_folders_are_named_by_path(tmp_path: Path) -> None:
    """``x/s.toml`` and ``y/s.toml``, both ``one-fab``, are named by their paths."""
    paths = []
    for folder in ("x", "y"):
        (tmp_path / folder).mkdir()
        paths.append(tmp_path / folder / "s.toml")
        paths[-1].write_text(ONE_FAB, encoding="utf-8")
    result = run("compare", *paths, "--replications", "2", "--format", "json")
    assert result.exit_code == 0, result.output
    assert list(json.loads(result.stdout)["variants"]) == [str(p) for p in paths]
