"""Every bundled scenario passes `exportsim validate` and runs, with its variants, in a few replications."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from simulator.cli import main
from simulator.scenario.loading import load_variants
from simulator.studies.experiments import Plan, Variant, study

SCENARIOS = sorted((Path(__file__).parents[1] / "scenarios").glob("*.toml"))


def test_the_library_is_complete() -> None:
    """The library holds the replay, its counterfactual, the 2023 restoration and the reciprocal case."""
    names = {p.stem for p in SCENARIOS}
    assert {
        "japan-2019",
        "no-curbs-2019",
        "japan-2023-restoration",
        "korea-2019-reciprocal",
        "china-2025",
    } <= names


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_validates(path: Path) -> None:
    """`exportsim validate` accepts the scenario and its variants."""
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert ": ok (" in result.output


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_runs_every_variant(path: Path) -> None:
    """Two replications of every variant run and report every chipmaker."""
    variants = [Variant(*v) for v in load_variants(path, ())]
    result = study(variants, seed=3, plan=Plan(replications=2))
    for variant, summary in zip(variants, result.summaries, strict=True):
        chipmakers = {path[1] for path in summary.values if path[0] == "chipmakers"}
        assert chipmakers == {c.id for c in variant.scenario.chipmakers}, variant.name
