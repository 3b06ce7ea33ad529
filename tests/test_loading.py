"""Reading regime files: every problem reported at once with file and field path; dump/reload."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

from simulator.errors import InputError, RuleError, UnknownNameError
from simulator.regimes.loading import (
    bundled_regimes,
    dump_regime,
    load_regime,
    lookup_country,
    parse_regime,
    parse_toml,
)
from simulator.rules.compiled import DecisionTable
from simulator.rules.values import Regime

DERIVED = """
[regime]
id = "korea-stays-in-a"
base = "japan"
remove_measures = ["2019-08-28-korea-to-group-b"]
"""


def _write(tmp_path: Path, text: str, name: str = "regime.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_regime(path)
    assert caught.value.source == str(path)
    return [f"{p.field}: {p.expected}" for p in caught.value.problems]


def test_bundled_regimes_listed() -> None:
    """The package ships Japan's regime and lists it by name (not the decisions table)."""
    assert "japan" in bundled_regimes()
    assert not any(name.endswith("decisions") for name in bundled_regimes())


def test_dump_and_reload_is_identity(japan: Regime) -> None:
    """Japan's regime written as TOML reads back equal."""
    text = dump_regime(japan)
    assert parse_regime(parse_toml(text, "dump"), "dump") == japan


def test_derived_regime_file(tmp_path: Path, japan: Regime) -> None:
    """A derived file names its base and removes a measure; its dump reloads as a whole regime."""
    derived = load_regime(_write(tmp_path, DERIVED))
    assert derived.derived_from == "japan"
    assert len(derived.measures) == len(japan.measures) - 1
    again = parse_regime(parse_toml(dump_regime(derived), "dump"), "dump")
    assert again == derived


def test_every_problem_reported_at_once(tmp_path: Path) -> None:
    """A wrong type and an unknown key in one entry are both reported, with their paths."""
    text = (
        DERIVED
        + """
[[measures]]
id = "bad-measure"
title = "t"
effective = "soon"
citation = "c"
colour = "blue"
  [[measures.rules]]
  id = "r1"
  action = "grant"
  licences = ["golden-licence"]
  items = ["photoresist"]
  destinations = ["KR"]
  text = "t"
  citation = "c"
"""
    )
    problems = _problems(_write(tmp_path, text))
    assert problems == [
        "measures[0].effective: expected a date (YYYY-MM-DD), got str 'soon'",
        "measures[0]: unknown field(s) colour; check the spelling against the docs",
    ]  # the entry is left out for its form, so its unknown licence is not reported again


def test_reference_problems_listed_together(tmp_path: Path) -> None:
    """Unknown licence kinds, items, groups and repeals are each reported with a field path."""
    text = (
        DERIVED
        + """
[[measures]]
id = "bad-refs"
title = "t"
effective = 2020-01-01
citation = "c"
repeals = ["no-such-measure"]
  [[measures.rules]]
  id = "r1"
  action = "grant"
  licences = ["golden-licence"]
  items = ["unobtainium"]
  destinations = ["group:Z"]
  text = "t"
  citation = "c"
"""
    )
    joined = "\n".join(_problems(_write(tmp_path, text)))
    for expected in (
        "golden-licence",
        "unobtainium",
        "group:Z",
        "no-such-measure",
        ".rules[0].licences",
        "repeals",
    ):
        assert expected in joined


def test_missing_required_field(tmp_path: Path) -> None:
    """A measure without an effective date is reported as a missing field."""
    text = DERIVED + '\n[[measures]]\nid = "m"\ntitle = "t"\ncitation = "c"\n'
    assert any("effective" in p and "missing" in p for p in _problems(_write(tmp_path, text)))


def test_toml_syntax_error_names_file(tmp_path: Path) -> None:
    """A TOML syntax error names the file and says it is not valid TOML."""
    problems = _problems(_write(tmp_path, "[regime\nid = 1"))
    assert "not valid TOML" in problems[0]


def test_missing_header(tmp_path: Path) -> None:
    """A file without a [regime] table says so."""
    assert _problems(_write(tmp_path, "x = 1\n")) == ["regime: expected a [regime] table"]


def test_unknown_base(tmp_path: Path) -> None:
    """Deriving from an unknown regime is reported at regime.base."""
    problems = _problems(_write(tmp_path, '[regime]\nid = "x"\nbase = "atlantis"\n'))
    assert problems[0].startswith("regime.base")


def test_derivation_cycle(tmp_path: Path) -> None:
    """A regime deriving from itself is refused."""
    path = _write(tmp_path, "")
    path.write_text(f'[regime]\nid = "x"\nbase = "{path}"\n', encoding="utf-8")
    assert any("cycle" in p for p in _problems(path))


def test_unknown_regime_name() -> None:
    """A name that is neither bundled nor a file suggests the bundled ones."""
    with pytest.raises(UnknownNameError) as caught:
        load_regime("japn")
    assert caught.value.suggestions == ("japan",)


def test_membership_conflict(tmp_path: Path) -> None:
    """A country placed in two groups on the regime's first day is reported."""
    text = DERIVED + '\n[[members]]\ngroup = "A"\ncountries = ["CN", "CN"]\n'
    assert any("CN is already in group A" in p for p in _problems(_write(tmp_path, text)))


@pytest.mark.parametrize(("code", "expected"), [("kr", "KR"), ("US", "US")])
def test_lookup_country(code: str, expected: str) -> None:
    """Country codes are accepted in any case."""
    assert lookup_country(code) == expected


def test_lookup_country_suggests_by_name() -> None:
    """An unknown code matching a country's name suggests its code."""
    with pytest.raises(UnknownNameError) as caught:
        lookup_country("Japan")
    assert caught.value.suggestions[0] == "JP (Japan)"


def test_whole_regime_reports_shape_and_meaning_together(tmp_path: Path, japan: Regime) -> None:
    """In a whole regime file a bad date, an unknown key and a bad reference are reported in one pass."""
    text = dump_regime(japan)
    text = text.replace("effective = 2019-08-28", 'effective = "late August"', 1)
    text = text.replace('licences = [\n    "general-bulk",\n]', 'licences = [\n    "platinum",\n]', 1)
    text = text.replace("[regime]\n", "[regime]\ncolour = 1\n", 1)
    joined = "\n".join(_problems(_write(tmp_path, text)))
    assert "effective: expected a date" in joined
    assert "regime: unknown field(s) colour" in joined
    assert "got 'platinum'" in joined


def test_dropped_entry_causes_no_spurious_reference(tmp_path: Path) -> None:
    """A measure dropped for a bad date is not also reported as unknown where another repeals it."""
    text = (
        DERIVED
        + """
[[measures]]
id = "m-bad"
title = "t"
effective = "soon"
citation = "c"

[[measures]]
id = "m-later"
title = "t"
effective = 2021-01-01
citation = "c"
repeals = ["m-bad"]
"""
    )
    problems = _problems(_write(tmp_path, text))
    assert len(problems) == 1
    assert problems[0].startswith("measures[0].effective")


def test_a_licence_kind_may_not_take_an_outcomes_name(tmp_path: Path, japan: Regime) -> None:
    """A licence kind with the id 'none' or 'prohibited' is refused: those ids name outcomes."""
    text = dump_regime(japan).replace('id = "general-bulk"', 'id = "none"', 1)
    problems = _problems(_write(tmp_path, text))
    assert any(p.startswith("licences[") and "other than none and prohibited" in p for p in problems), (
        problems
    )


def test_the_compiled_table_refuses_an_outcomes_name_too(japan: Regime) -> None:
    """A regime built in Python with a licence kind called 'prohibited' cannot be compiled."""
    kinds = tuple(attrs.evolve(k, id="prohibited") if k.id == "individual" else k for k in japan.licences)
    with pytest.raises(RuleError, match="names an outcome"):
        DecisionTable(attrs.evolve(japan, licences=kinds))
