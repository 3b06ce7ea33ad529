"""Helpers the test modules share: invoking the CLI, checking its errors, loading bad scenarios."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import attrs
import pytest
from click.testing import CliRunner, Result

from simulator.cli import main
from simulator.errors import InputError
from simulator.model.records import RunRecords
from simulator.scenario.loading import load_scenario
from simulator.scenario.values import Scenario


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


def short_line(scenario: Scenario, allocation: str, **product_fields: object) -> Scenario:
    """Two fabs, each using 1 t a day, share one maker whose line makes 1 t a day; no licences needed.

    The run ends on 30 Jun 2019, before the shock. Each fab starts with 23 days of stock, so on
    day 0 each orders 7 t, fab first.
    """
    maker = scenario.suppliers[0]
    product = attrs.evolve(maker.products[0], capacity_t_per_day=1.0, allocation=allocation, **product_fields)
    fab = scenario.chipmakers[0]
    use = attrs.evolve(fab.materials[0], start_inventory_days=23.0)
    fabs = (attrs.evolve(fab, materials=(use,)), attrs.evolve(fab, id="fab2", materials=(use,)))
    return attrs.evolve(
        scenario,
        suppliers=(attrs.evolve(maker, products=(product,)),),
        chipmakers=fabs,
        end=dt.date(2019, 6, 30),
    )


def first_ready(records: RunRecords) -> dict[str, float]:
    """When each fab's first order was ready to leave."""
    return {c: min(s.time for s in records.shipments if s.chipmaker == c) for c in ("fab", "fab2")}
