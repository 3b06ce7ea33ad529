"""Where a regime named in a file is found: beside the naming file, wherever the command runs.

A plain name is a bundled regime; a path is read from the folder of the file that names it,
may leave that folder (``../``) or be absolute, and a missing one is reported at the naming
file and field with the path as resolved (docs/regimes.md, *Regimes named in files*).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import failed, run

from simulator.errors import InputError
from simulator.regimes.loading import load_regime
from simulator.rules.laws import Laws
from simulator.scenario.loading import load_scenario, load_variants

ONE_FAB = (Path(__file__).parent / "scenarios" / "one-fab.toml").read_text(encoding="utf-8")


def _regime(path: Path, regime_id: str, base: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'[regime]\nid = "{regime_id}"\nbase = "{base}"\n', encoding="utf-8")
    return path


def _scenario(path: Path, regime: str, extra: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(ONE_FAB.replace('regime = "japan"', f'regime = "{regime}"') + extra, encoding="utf-8")
    return path


def _problems(path: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    return caught.value


def test_a_relative_base_is_read_beside_the_regime_file_not_in_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A derived regime's relative ``base`` is looked for beside it, not in the cwd, whatever is there."""
    _regime(tmp_path / "shared" / "parent.toml", "parent", "japan")
    child = _regime(tmp_path / "shared" / "child.toml", "child", "parent.toml")
    orphan = _regime(tmp_path / "lonely" / "orphan.toml", "orphan", "parent.toml")
    monkeypatch.chdir(tmp_path / "shared")  # parent.toml is in the cwd, not beside the orphan
    assert load_regime(child).id == "child"
    with pytest.raises(InputError) as caught:
        load_regime(orphan)
    assert caught.value.source == str(orphan)
    (problem,) = caught.value.problems
    assert problem.field == "regime.base"
    assert str(tmp_path / "lonely" / "parent.toml") in problem.expected
    assert "does not exist" in problem.expected


def test_paths_may_leave_the_naming_files_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A scenario names ``../shared/...`` whose regime names ``../bases/...``; both load from any cwd."""
    _regime(tmp_path / "bases" / "parent.toml", "parent", "japan")
    _regime(tmp_path / "shared" / "child.toml", "child", "../bases/parent.toml")
    scenario = _scenario(tmp_path / "team" / "world.toml", "../shared/child.toml")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    _, regime = load_scenario(Path("..") / "team" / scenario.name)
    assert not isinstance(regime, Laws)
    assert regime.id == "child"


def test_absolute_paths_are_read_as_they_are(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An absolute regime path in a scenario, and an absolute base in a regime file, load from any cwd."""
    parent = _regime(tmp_path / "a" / "parent.toml", "parent", "japan")
    child = _regime(tmp_path / "b" / "child.toml", "child", str(parent))
    scenario = _scenario(tmp_path / "c" / "world.toml", str(child))
    monkeypatch.chdir(tmp_path / "a")
    _, regime = load_scenario(scenario)
    assert not isinstance(regime, Laws)
    assert regime.id == "child"


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        ("", "scenario.regime"),
        ('\nexport_regimes = ["regimes/gone.toml"]', "scenario.export_regimes[0]"),
    ],
)
def test_a_missing_regime_file_names_the_scenario_field_and_resolved_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: str, field: str
) -> None:
    """A regime file that does not exist is reported at the scenario file and field, with its path."""
    path = tmp_path / "s" / "world.toml"
    regime = "regimes/gone.toml" if not edit else "japan"
    _scenario(path, regime)
    path.write_text(
        path.read_text(encoding="utf-8").replace(f'regime = "{regime}"', f'regime = "{regime}"{edit}')
    )
    monkeypatch.chdir(tmp_path)
    error = _problems(path)
    assert error.source == str(path)
    (problem,) = error.problems
    assert problem.field == field
    assert f"{tmp_path / 's' / 'regimes' / 'gone.toml'} does not exist" in problem.expected


def test_a_missing_variant_regime_names_the_variant(tmp_path: Path) -> None:
    """A variant's regime file that does not exist is reported at ``variants[0].regime``."""
    path = _scenario(tmp_path / "world.toml", "japan", '\n[[variants]]\nname = "v"\nregime = "gone.toml"\n')
    with pytest.raises(InputError) as caught:
        load_variants(path, ("v",))
    assert [p.field for p in caught.value.problems] == ["variants[0].regime"]
    assert str(tmp_path / "gone.toml") in caught.value.problems[0].expected


def test_a_plain_name_is_a_bundled_regime_even_beside_a_file_of_that_name(tmp_path: Path) -> None:
    """``regime = "mine"`` is a bundled name, even beside a file ``mine``; the error says how to name one."""
    _regime(tmp_path / "mine", "mine", "japan")
    (problem,) = _problems(_scenario(tmp_path / "world.toml", "mine")).problems
    assert problem.field == "scenario.regime"
    assert "expected a bundled regime (china, japan, korea) or the path of a regime file" in problem.expected
    assert "got 'mine'" in problem.expected
    assert (
        _problems(_scenario(tmp_path / "typo.toml", "japn"))
        .problems[0]
        .expected.endswith("did you mean japan?")
    )


def test_validate_from_another_folder_reports_the_missing_base(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``validate``, where a regime names a missing base, exits 2 naming that file and ``regime.base``."""
    regime = _regime(tmp_path / "team" / "regimes" / "child.toml", "child", "parent.toml")
    scenario = _scenario(tmp_path / "team" / "world.toml", "regimes/child.toml")
    monkeypatch.chdir(tmp_path)
    failed(
        run("validate", scenario), "scenario.regime", str(regime), "regime.base", "parent.toml does not exist"
    )
