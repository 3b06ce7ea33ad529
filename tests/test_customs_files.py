"""Customs in files: the new scenario fields as loaded and checked, each problem at its field path.

Bad inputs are one-fab (tests/scenarios/one-fab.toml) with one edit each.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import failed, problem_fields, run

from simulator.scenario.loading import load_scenario
from simulator.scenario.values import TradeFlow

ONE_FAB_PATH = Path(__file__).parent / "scenarios" / "one-fab.toml"
ONE_FAB = ONE_FAB_PATH.read_text(encoding="utf-8")
_VALUE = "value_usd_per_t = 1000000.0"
_SHARE = _VALUE + '\ncontrolled_share = 0.6\ntrade_code = "3707.90"'
_FLOW = """
[[trade_flows]]
trade_code = "3707.90"
origin = "US"
destination = "KR"
tonnes_per_month = 5.0
monthly = { "2019-08" = 12.0 }
source = "KITA, resist imports from the US, Jan-May 2019"
"""


def _with_customs(*edits: tuple[str, str], flow: str = _FLOW) -> str:
    """One-fab with resist counted under 3707.90 at a share of 0.6, a US flow, and ``edits``."""
    text = ONE_FAB.replace(_VALUE, _SHARE, 1) + flow
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def test_customs_fields_load(tmp_path: Path) -> None:
    """The share, trade code, trade flow and warm-up load as written; a material's code defaults to its id."""
    path = tmp_path / "customs.toml"
    path.write_text(_with_customs(("seed = 1", "seed = 1\nwarm_up_days = 14")), encoding="utf-8")
    scenario, _ = load_scenario(path)
    material = scenario.materials[0]
    assert (material.controlled_share, material.trade_code, scenario.warm_up_days) == (0.6, "3707.90", 14.0)
    flow = TradeFlow(
        "3707.90", "US", "KR", 5.0, {"2019-08": 12.0}, "KITA, resist imports from the US, Jan-May 2019"
    )
    assert scenario.trade_flows == (flow,)
    plain, _ = load_scenario(ONE_FAB_PATH)
    assert (plain.materials[0].controlled_share, plain.materials[0].trade_code) == (1.0, "photoresist")
    assert (plain.trade_flows, plain.warm_up_days) == ((), 0.0)


_S, _M, _T = "controlled_share = 0.6", '"2019-08" = 12.0', "tonnes_per_month = 5.0"
_CODE, _OD = 'trade_code = "3707.90"\norigin', 'origin = "US"\ndestination = "KR"'
_FIELD = "materials[0].controlled_share"
BAD = [
    ("share zero", (_S, "controlled_share = 0.0"), _FIELD),
    ("share above one", (_S, "controlled_share = 1.5"), _FIELD),
    ("share NaN", (_S, "controlled_share = nan"), _FIELD),
    ("share a string", (_S, 'controlled_share = "60%"'), _FIELD),
    ("unknown trade code", (_CODE, 'trade_code = "3707.9"\norigin'), "trade_flows[0].trade_code"),
    ("month 13", (_M, '"2019-13" = 12.0'), "trade_flows[0].monthly.2019-13"),
    ("month without zero", (_M, '"2019-8" = 12.0'), "trade_flows[0].monthly.2019-8"),
    ("month by name", (_M, "August = 12.0"), "trade_flows[0].monthly.August"),
    ("month outside the period", (_M, '"2020-08" = 12.0'), "trade_flows[0].monthly.2020-08"),
    ("negative month", (_M, '"2019-08" = -1.0'), "trade_flows[0].monthly.2019-08"),
    ("month a string", (_M, '"2019-08" = "12"'), "trade_flows[0].monthly['2019-08']"),
    ("negative baseline", (_T, "tonnes_per_month = -5.0"), "trade_flows[0].tonnes_per_month"),
    ("NaN baseline", (_T, "tonnes_per_month = nan"), "trade_flows[0].tonnes_per_month"),
    ("no baseline", (_T + "\n", ""), "trade_flows[0].tonnes_per_month"),
    ("lower-case origin", (_OD, 'origin = "us"\ndestination = "KR"'), "trade_flows[0].origin"),
    ("unknown destination", (_OD, 'origin = "US"\ndestination = "XK"'), "trade_flows[0].destination"),
    ("domestic flow", (_OD, 'origin = "KR"\ndestination = "KR"'), "trade_flows[0].destination"),
    ("unknown key", (_T, _T + "\nvalue_usd = 1.0"), "trade_flows[0]"),
    ("warm-up as long as the run", ("seed = 1", "seed = 1\nwarm_up_days = 214"), "scenario.warm_up_days"),
    ("negative warm-up", ("seed = 1", "seed = 1\nwarm_up_days = -1"), "scenario.warm_up_days"),
    ("warm-up true", ("seed = 1", "seed = 1\nwarm_up_days = true"), "scenario.warm_up_days"),
]


@pytest.mark.parametrize(("name", "edit", "field"), BAD, ids=[c[0] for c in BAD])
def test_bad_customs_input_is_reported_at_its_field(
    tmp_path: Path, name: str, edit: tuple[str, str], field: str
) -> None:
    """Each bad customs input is refused before the model runs, at its own field path and only there."""
    fields = problem_fields(tmp_path / "bad.toml", _with_customs(edit))
    assert fields == [field], (name, fields)


def test_an_empty_trade_code_is_refused(tmp_path: Path) -> None:
    """A material's trade code may not be blank (it would name no customs series)."""
    text = _with_customs(('trade_code = "3707.90"', 'trade_code = " "'), flow="")
    assert problem_fields(tmp_path / "bad.toml", text) == ["materials[0].trade_code"]


def test_a_warm_up_just_short_of_the_run_is_accepted(tmp_path: Path) -> None:
    """A warm-up of 213.5 days leaves half a day of one-fab's 214 to report, and loads."""
    path = tmp_path / "late.toml"
    path.write_text(_with_customs(("seed = 1", "seed = 1\nwarm_up_days = 213.5")), encoding="utf-8")
    assert load_scenario(path)[0].warm_up_days == 213.5


def test_flow_naming_a_dropped_materials_code_is_not_reported_again(tmp_path: Path) -> None:
    """A material left out for a problem of form takes its trade code along: no follow-on 'unknown code'."""
    text = _with_customs((_SHARE, _SHARE.replace("1000000.0", '"expensive"')))
    assert problem_fields(tmp_path / "bad.toml", text) == ["materials[0].value_usd_per_t"]


def test_validate_names_the_file_and_field(tmp_path: Path) -> None:
    """``exportsim validate`` exits 2 and names the file, the month's field path and what was expected."""
    path = tmp_path / "bad.toml"
    path.write_text(_with_customs(('"2019-08" = 12.0', '"2019-13" = 12.0')), encoding="utf-8")
    failed(run("validate", path), f"{path}: trade_flows[0].monthly.2019-13: expected a month label YYYY-MM")
