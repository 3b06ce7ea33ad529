"""Scenario checks that keep bad input from reaching the model: each reported with its path."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import problem_fields

from simulator.model import simulate
from simulator.rules.laws import Laws
from simulator.scenario.loading import load_scenario, load_variants

REGIMES = Path(__file__).parents[1] / "scenarios" / "regimes"
ONE_FAB = (Path(__file__).parent / "scenarios" / "one-fab.toml").read_text(encoding="utf-8")

_QUALIFY_EUV = """[[chipmakers.qualifications]]
supplier = "maker"
material = "photoresist-euv"
share = 0.5
days = { dist = "fixed", value = 1.0 }

[[lanes]]"""
_REVIEW = 'review_days = { dist = "fixed", value = 90.0 }'
_MISSPELT_REVIEW = (
    _REVIEW
    + '\n  [[authority.items]]\n  item = "photo-resist"\n  review_days = '
    + '{ dist = "fixed", value = 9.0 }'
)
_SECOND_LANE = (
    '[[lanes]]\norigin = "JP"\ndestination = "KR"\ndays = { dist = "fixed", value = 1.0 }\n\n[authority]'
)
_VALUE = "value_usd_per_t = 1000000.0"
_BULK = 'bulk_licences = ["general-bulk", "special-general-bulk"]'

CASES = [
    ("negative seed", ("seed = 1", "seed = -1"), "scenario.seed"),
    (
        "qualification for an unused material",
        ("[[lanes]]", _QUALIFY_EUV),
        "chipmakers[0].qualifications[0].material",
    ),
    ("unknown review key", (_REVIEW, _MISSPELT_REVIEW), "authority.items[0].item"),
    ("unknown bulk licence", (_BULK, 'bulk_licences = ["golden-bulk"]'), "suppliers[0].bulk_licences"),
    ("unknown attribute held", (_BULK, _BULK + '\nhas = ["icq"]'), "suppliers[0].has"),
    ("unknown attribute lacked", (_BULK, _BULK + '\nlacks = ["ICP"]'), "suppliers[0].lacks"),
    ("the former icp flag", (_BULK, _BULK + "\nicp = false"), "suppliers[0]"),
    ("negative storage cap", (_VALUE, _VALUE + "\nstorage_cap_days = -5.0"), "materials[0].storage_cap_days"),
    ("NaN value", (_VALUE, "value_usd_per_t = nan"), "materials[0].value_usd_per_t"),
    (
        "negative contract days",
        ('country = "JP"', 'country = "JP"\ncontract_days = -1.0'),
        "suppliers[0].contract_days",
    ),
    ("missing lane", ('origin = "JP"', 'origin = "CN"'), "chipmakers[0]"),
    ("duplicate lane", ("[authority]", _SECOND_LANE), "lanes"),
    (
        "material id not item-GRADE",
        ('id = "photoresist"\nitem', 'id = "photoresistance"\nitem'),
        "materials[0].id",
    ),
]


@pytest.mark.parametrize(("name", "edit", "field"), CASES, ids=[c[0] for c in CASES])
def test_check_reports_field(tmp_path: Path, name: str, edit: tuple[str, str], field: str) -> None:
    """Each bad input is refused before the model runs, at its own field path."""
    old, new = edit
    assert old in ONE_FAB, name
    fields = problem_fields(tmp_path / "bad.toml", ONE_FAB.replace(old, new, 1))
    assert field in fields, fields


def test_authority_type_error_is_not_under_scenario(tmp_path: Path) -> None:
    """A wrong type in [authority] is reported at authority..., not scenario.authority...."""
    text = ONE_FAB.replace("examiners = 50", 'examiners = "many"')
    assert problem_fields(tmp_path / "bad.toml", text) == ["authority.examiners"]


def test_zero_cover_target_is_honoured(tmp_path: Path) -> None:
    """A material's cover target of 0 is used, not replaced by the chipmaker's."""
    path = tmp_path / "zero.toml"
    path.write_text(
        ONE_FAB.replace(
            "start_inventory_days = 30.0", "start_inventory_days = 30.0\n  cover_target_days = 0.0"
        ),
        encoding="utf-8",
    )
    scenario, regime = load_scenario(path)
    assert simulate(scenario, regime).shipments == ()


def test_bad_authority_does_not_hide_other_problems(tmp_path: Path) -> None:
    """A wrong type in [authority] and a bad share elsewhere are reported in the same pass."""
    text = ONE_FAB.replace("examiners = 50", 'examiners = "many"').replace("share = 1.0", "share = 0.5")
    fields = problem_fields(tmp_path / "bad.toml", text)
    assert "authority.examiners" in fields
    assert "chipmakers[0].materials[0].sources" in fields


def test_regime_file_only_beside_the_scenario(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A regime path is looked for beside the scenario, never in the current directory."""
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    (elsewhere / "mine.toml").write_text('[regime]\nid = "mine"\nbase = "japan"\n', encoding="utf-8")
    monkeypatch.chdir(elsewhere)
    folder = tmp_path / "scenario"
    folder.mkdir()
    text = ONE_FAB.replace('regime = "japan"', 'regime = "mine.toml"')
    assert problem_fields(folder / "s.toml", text) == ["scenario.regime"]


def _world_in_a_folder(tmp_path: Path) -> Path:
    """A base scenario in ``a/`` naming three regime files beside it, and a copy of Korea's regime."""
    regimes = tmp_path / "a" / "regimes"
    regimes.mkdir(parents=True)
    (regimes / "no-curbs.toml").write_text(
        (REGIMES / "japan-without-2019-measures.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (regimes / "child.toml").write_text(
        '[regime]\nid = "child"\nbase = "no-curbs.toml"\n', encoding="utf-8"
    )  # a regime deriving from a sibling file
    (regimes / "korea.toml").write_text('[regime]\nid = "korea-copy"\nbase = "korea"\n', encoding="utf-8")
    text = ONE_FAB.replace(
        'regime = "japan"', 'regime = "regimes/child.toml"\nexport_regimes = ["regimes/korea.toml"]'
    )
    text += '\n[[variants]]\nname = "v"\nregime = "regimes/no-curbs.toml"\n'
    (tmp_path / "a" / "base.toml").write_text(text, encoding="utf-8")
    return tmp_path / "a" / "base.toml"


def test_inherited_regime_files_stay_beside_the_file_that_names_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A scenario elsewhere deriving from a base keeps the regime files the base names.

    The base's own regime, its exporters' and its variants' are found beside the base, from
    any working directory, and a regime file's own ``base`` is found beside that file.
    """
    base = _world_in_a_folder(tmp_path)
    (tmp_path / "b").mkdir()
    decoy = tmp_path / "b" / "regimes"
    decoy.mkdir()
    (decoy / "no-curbs.toml").write_text('[regime]\nid = "decoy"\nbase = "japan"\n', encoding="utf-8")
    (tmp_path / "b" / "derived.toml").write_text(
        '[scenario]\nbase = "../a/base.toml"\nid = "derived"\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path / "b")
    variants = load_variants(Path("derived.toml"), ("base", "v"))
    (_, _, laws), (_, _, variant) = variants
    assert isinstance(laws, Laws)
    assert isinstance(variant, Laws)
    assert [r.id for r in laws.regimes] == ["child", "korea-copy"]
    assert variant.primary.id == "japan-without-2019-measures"  # not the decoy beside derived.toml
    monkeypatch.chdir(tmp_path)
    assert load_scenario(Path("a") / base.name)[0].regime == str(base.parent / "regimes" / "child.toml")
