"""Two regimes at once: each governs exports from its own country, reviewed by its own authority."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import problem_fields

from simulator.model import simulate
from simulator.rules.laws import Laws
from simulator.scenario.loading import load_scenario

RECIPROCAL = Path(__file__).parents[1] / "scenarios" / "korea-2019-reciprocal.toml"
GA_2_DAY = 260.0  # 18 Sep 2019, days after 1 Jan 2019


def test_korean_reviews_lengthen_when_japan_moves_to_ga_2() -> None:
    """Korea's exports to Japan are reviewed in 5 days before 18 Sep 2019 and in 15 days after."""
    scenario, laws = load_scenario(RECIPROCAL)
    assert isinstance(laws, Laws)
    records = simulate(scenario, laws)
    korean = [a for a in records.applications if a.supplier == "korean-hf-makers" and a.decided is not None]
    before = {round(a.decided - a.filed, 6) for a in korean if a.filed < GA_2_DAY}
    after = {round(a.decided - a.filed, 6) for a in korean if a.filed >= GA_2_DAY}
    assert before == {5.0}
    assert after == {15.0}


def test_japanese_exports_follow_japans_rules() -> None:
    """Japanese exports to Korea follow Japan's dated measures.

    General bulk before 4 Jul 2019, individual licences after, and from 20 Dec 2019 (day 353)
    specific bulk for resist while liquid HF stays individual.
    """
    scenario, laws = load_scenario(RECIPROCAL)
    records = simulate(scenario, laws)
    to_korea = [s for s in records.shipments if s.origin == "JP" and s.destination == "KR"]
    assert {s.licence for s in to_korea if s.time < 184} == {"general-bulk"}
    assert {s.licence for s in to_korea if 184 <= s.time < 353} == {"individual"}
    assert {(s.material, s.licence) for s in to_korea if s.time >= 353} == {
        ("hydrogen-fluoride-liquid", "individual"),
        ("photoresist", "specific-bulk"),
    }


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        ('export_regimes = ["korea"]', 'export_regimes = ["korea", "korea"]'),
        ('export_regimes = ["korea"]', 'export_regimes = ["koreaa"]'),
    ],
)
def test_export_regime_problems(tmp_path: Path, edit: str, field: str) -> None:
    """Two regimes for one exporting country, or an unknown regime, are refused at scenario.export_regimes."""
    text = RECIPROCAL.read_text(encoding="utf-8").replace(edit, field)
    fields = problem_fields(tmp_path / "bad.toml", text)
    assert any(f.startswith("scenario.export_regimes") for f in fields)
