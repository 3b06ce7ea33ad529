"""Hostile and careless input: each is a clear error (exit 2, file, field, expected), never a traceback."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
import pytest

from simulator.errors import InputError
from simulator.model import clock, prepare, replicate
from simulator.regimes.loading import bundled_text, dump_regime, load_regime
from simulator.scenario.loading import check_scenario, load_scenario
from simulator.scenario.overrides import OverrideError, override
from tests.helpers import failed, run

ONE_FAB = (Path(__file__).parent / "scenarios" / "one-fab.toml").read_text(encoding="utf-8")
DERIVED = '[regime]\nid = "{id}"\nbase = "{base}"\n'


def _scenario(tmp_path: Path, old: str = "", new: str = "", name: str = "s.toml") -> Path:
    """Write the one-fab scenario with ``old`` replaced by ``new`` (which must be there)."""
    assert old in ONE_FAB
    path = tmp_path / name
    path.write_text(ONE_FAB.replace(old, new, 1), encoding="utf-8")
    return path


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    """Latin-1 bytes in a regime file name the file and say UTF-8 was expected."""
    path = tmp_path / "latin.toml"
    path.write_bytes('[regime]\nid = "caf\xe9"\n'.encode("latin-1"))
    failed(run("regime", "show", path), str(path), "expected UTF-8")


@pytest.mark.parametrize("opening", ["[", "{a = "])
def test_deeply_nested_arrays_are_refused(tmp_path: Path, opening: str) -> None:
    """Arrays or inline tables nested a thousand deep hit the nesting limit, not the stack."""
    closing = "]" if opening == "[" else "}"
    path = tmp_path / "deep.toml"
    path.write_text(f"x = {opening * 1000}1{closing * 1000}\n", encoding="utf-8")
    failed(run("regime", "show", path), str(path), "nested at most 32 deep")


def test_a_moderately_nested_array_hits_the_nesting_limit_too(tmp_path: Path) -> None:
    """Forty levels parse but are refused: the limit is the loader's, not the parser's stack."""
    path = tmp_path / "deep.toml"
    path.write_text(f"x = {'[' * 40}1{']' * 40}\n", encoding="utf-8")
    failed(run("regime", "show", path), "nested at most 32 deep")


def test_a_chain_of_derived_regimes_hundreds_deep_is_refused(tmp_path: Path) -> None:
    """Two hundred regimes each derived from the next stop at the derivation depth limit."""
    for n in range(200):
        base = "japan" if n == 199 else f"r{n + 1}.toml"
        (tmp_path / f"r{n}.toml").write_text(DERIVED.format(id=f"r{n}", base=base), encoding="utf-8")
    failed(run("regime", "show", tmp_path / "r0.toml"), "regime.base", "at most 32 bases")


def test_a_chain_of_scenario_bases_hundreds_deep_is_refused(tmp_path: Path) -> None:
    """Two hundred scenarios each amending the next stop at the derivation depth limit."""
    _scenario(tmp_path, name="s200.toml")
    for n in range(200):
        text = f'[scenario]\nid = "s{n}"\nbase = "s{n + 1}.toml"\n'
        (tmp_path / f"s{n}.toml").write_text(text, encoding="utf-8")
    failed(run("validate", tmp_path / "s0.toml"), "scenario.base", "at most 32 bases")


def test_a_derived_regime_with_an_invalid_id_is_refused(tmp_path: Path) -> None:
    """A derived id that is not lower-case letters, digits and hyphens is reported at regime.id."""
    path = tmp_path / "bad-id.toml"
    path.write_text(DERIVED.format(id="Not An Id", base="japan"), encoding="utf-8")
    failed(run("regime", "show", path), str(path), "regime.id: expected an id of lower-case letters")


def test_attrs_validator_errors_read_as_expected(tmp_path: Path) -> None:
    """A measure id failing its validator says what was expected, not attrs' Attribute(...) repr."""
    path = tmp_path / "bad-measure.toml"
    text = DERIVED.format(id="x", base="japan")
    text += '[[measures]]\nid = "Bad Id"\neffective = 2019-08-28\ntitle = "t"\ncitation = "c"\n'
    path.write_text(text, encoding="utf-8")
    result = run("regime", "show", path)
    failed(result, "measures[0].id: expected an id of lower-case letters")
    assert "Attribute(" not in result.stderr


@pytest.mark.parametrize("where", ["regime", "base"])
def test_a_name_over_255_bytes_is_unknown_not_an_os_error(tmp_path: Path, where: str) -> None:
    """A regime or scenario base named by 300 characters is an unknown name, clipped in the message."""
    long = "x" * 300
    if where == "regime":
        result = run("regime", "show", long)
    else:
        path = _scenario(tmp_path, 'id = "one-fab"\n', f'id = "one-fab"\nbase = "{long}"\n')
        result = run("validate", path)
    failed(result, "xxxxxxxxxx…")
    assert long not in result.stderr


def test_an_error_in_a_base_regime_names_the_derived_file_too(tmp_path: Path) -> None:
    """A broken base is reported in its own file, and as the base named by the derived file."""
    base = tmp_path / "base.toml"
    base.write_text("[regime]\nid = 3\n", encoding="utf-8")
    derived = tmp_path / "derived.toml"
    derived.write_text(DERIVED.format(id="derived", base="base.toml"), encoding="utf-8")
    failed(run("regime", "show", derived), str(base), f"the base named by {derived}, regime.base")


def test_an_error_in_a_base_scenario_names_the_derived_file_too(tmp_path: Path) -> None:
    """A base scenario that is not valid TOML is reported with the file and field that named it."""
    (tmp_path / "base.toml").write_text("[scenario\n", encoding="utf-8")
    path = tmp_path / "derived.toml"
    path.write_text('[scenario]\nid = "d"\nbase = "base.toml"\n', encoding="utf-8")
    failed(run("validate", path), "base.toml", f"the base named by {path}, scenario.base")


def test_a_huge_bad_value_is_echoed_clipped(tmp_path: Path) -> None:
    """A 100 KB string where a number belongs is echoed in at most 80 characters, with an ellipsis."""
    path = _scenario(tmp_path, "examiners = 50", f'examiners = "{"9" * 100_000}"')
    result = run("validate", path)
    failed(result, "authority.examiners: expected an integer", "…")
    assert len(result.stderr) < 1000


def test_an_impossible_date_says_so(tmp_path: Path) -> None:
    """February 30th is reported as not a valid date, with its line."""
    path = _scenario(tmp_path, "end = 2019-12-31", "end = 2019-02-30")
    failed(run("validate", path), str(path), "line 5: 2019-02-30 is not a valid date")


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("end = 2019-12-31", "end = 9999-12-31", "scenario.end"),
        ("end = 2019-12-31", "end = 2400-01-01", "scenario.end"),
        ("start = 2019-06-01", "start = 1066-10-14", "scenario.start"),
    ],
)
def test_scenario_dates_outside_the_supported_years_are_refused(
    tmp_path: Path, old: str, new: str, field: str
) -> None:
    """A scenario date outside the years 1900-2200 is refused at its field."""
    path = _scenario(tmp_path, old, new)
    failed(run("validate", path), f"{field}: expected a date in the years 1900 to 2200")


def test_a_measure_until_far_in_the_future_is_refused(tmp_path: Path) -> None:
    """``until = 9998-12-31`` is refused; only the calendar's last day stands for open-ended."""
    path = tmp_path / "far.toml"
    text = DERIVED.format(id="x", base="japan")
    text += '[[measures]]\nid = "m"\neffective = 2019-08-28\nuntil = 9998-12-31\ntitle = "t"\n'
    path.write_text(text + 'citation = "c"\n', encoding="utf-8")
    failed(run("regime", "show", path), "measures[0].until: expected a date in the years 1900 to 2200")


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
@pytest.mark.parametrize(
    ("old", "field"),
    [
        ("value = 5.0", "suppliers[0].products[0].lead_time_days.value"),
        ("value = 2.0", "lanes[0].days.value"),
        ("review_period_days = 7.0", "chipmakers[0].review_period_days"),
        ("capacity_t_per_day = 100.0", "suppliers[0].products[0].capacity_t_per_day"),
        ("start_inventory_days = 30.0", "chipmakers[0].materials[0].start_inventory_days"),
        ("value = 90.0", "authority.review_days.value"),
    ],
)
def test_nan_and_infinity_are_refused_for_periods_and_quantities(
    tmp_path: Path, old: str, field: str, value: str
) -> None:
    """TOML's nan and inf are refused wherever a period or quantity is read, at the field's path."""
    name = old.partition(" =")[0]
    path = _scenario(tmp_path, old, f"{name} = {value}")
    failed(run("validate", path), f"{field}: expected a finite number")


def test_a_vanishing_review_period_is_refused(tmp_path: Path) -> None:
    """``review_period_days = 1e-300`` would never end a run; it is refused below 0.01 days."""
    path = _scenario(tmp_path, "review_period_days = 7.0", "review_period_days = 1e-300")
    failed(
        run("validate", path), "chipmakers[0].review_period_days: expected a finite number of days >= 0.01"
    )


def test_a_horizon_over_200_years_is_refused(tmp_path: Path) -> None:
    """A scenario from 1950 to 2200 spans more than the 200 years a run may cover."""
    path = _scenario(tmp_path, "start = 2019-06-01\nend = 2019-12-31", "start = 1950-01-01\nend = 2200-12-31")
    failed(run("validate", path), "scenario.end: expected at most 73050 days after start")


def test_the_same_supplier_twice_in_sources_is_refused(tmp_path: Path) -> None:
    """Two sources naming one supplier would split orders other than the file says; refused."""
    sources = 'sources = [{ supplier = "maker", share = 0.7 }, { supplier = "maker", share = 0.3 }]'
    path = _scenario(tmp_path, 'sources = [{ supplier = "maker", share = 1.0 }]', sources)
    failed(run("validate", path), "chipmakers[0].materials[0].sources: expected one entry per supplier")


@pytest.mark.parametrize(
    ("names", "bad"), [(("a", "a"), "'a' is repeated"), (("base",), "'base' is reserved")]
)
def test_variant_names_are_unique_and_not_base(tmp_path: Path, names: tuple[str, ...], bad: str) -> None:
    """Two variants of one name, or one named ``base``, are refused at ``variants``."""
    variants = "".join(
        f'\n[[variants]]\nname = "{n}"\nset = {{ "authority.examiners" = 5 }}\n' for n in names
    )
    path = _scenario(tmp_path)
    path.write_text(ONE_FAB + variants, encoding="utf-8")
    failed(run("validate", path), "variants: expected unique variant names", bad)


def test_a_fraction_for_an_integer_field_is_refused_through_set(tmp_path: Path) -> None:
    """``authority.examiners = 5.5`` in a variant's ``set`` is refused as the file refuses it."""
    path = _scenario(tmp_path)
    path.write_text(ONE_FAB + '\n[[variants]]\nname = "v"\nset = { "authority.examiners" = 5.5 }\n', "utf-8")
    failed(run("validate", path), "variants[0].set.authority.examiners", "expected an integer, got 5.5")


def test_override_refuses_a_fraction_for_an_integer_field(tmp_path: Path) -> None:
    """The Python ``override()`` refuses 5.5 examiners but takes 5.0 as 5."""
    scenario, _ = load_scenario(_scenario(tmp_path))
    with pytest.raises(OverrideError, match=r"expected an integer, got 5\.5"):
        override(scenario, "authority.examiners", 5.5)
    assert override(scenario, "authority.examiners", 5.0).authority.examiners == 5


KOREA_LICENCE = "\n".join(
    line
    for line in bundled_text("korea.toml").split("[[licences]]")[1].splitlines()
    if line and not line.startswith("#")
)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "validity_days = 365",
            "validity_days = -1",
            "licences[0].validity_days: expected a whole number >= 1",
        ),
        (
            "validity_days = 365",
            "validity_days = 0",
            "licences[0].validity_days: expected a whole number >= 1",
        ),
        (
            "standard_processing_days = 5",
            "standard_processing_days = -1",
            "licences[0].standard_processing_days: expected a whole number >= 0",
        ),
    ],
)
def test_licence_days_out_of_range_are_refused(tmp_path: Path, old: str, new: str, expected: str) -> None:
    """A licence valid 0 or -1 days, or processed in -1 days, is refused at its field."""
    assert old in KOREA_LICENCE
    path = tmp_path / "licence.toml"
    text = DERIVED.format(id="x", base="korea") + "[[licences]]\n" + KOREA_LICENCE.replace(old, new)
    path.write_text(text, encoding="utf-8")
    failed(run("regime", "show", path), expected)


def test_two_measures_of_one_id_in_a_derived_file_are_refused(tmp_path: Path) -> None:
    """Two measures sharing an id would silently keep the last; the derived file is refused."""
    measure = '[[measures]]\nid = "m"\neffective = 2019-08-28\ntitle = "t"\ncitation = "c"\n'
    path = tmp_path / "twice.toml"
    path.write_text(DERIVED.format(id="x", base="japan") + measure + measure, encoding="utf-8")
    failed(run("regime", "show", path), "measures: expected unique values, 'm' appears 2 times")


def test_reviewed_through_before_valid_from_is_refused(tmp_path: Path) -> None:
    """A regime reviewed through a date before it starts is refused at regime.reviewed_through."""
    japan = load_regime("japan")
    path = tmp_path / "early.toml"
    path.write_text(dump_regime(attrs.evolve(japan, reviewed_through=dt.date(2000, 1, 1))), encoding="utf-8")
    failed(run("regime", "show", path), "regime.reviewed_through: expected a date on or after valid_from")


@pytest.mark.parametrize("code", ["XX", "QQ", "\uff2a\uff30"])
def test_regime_country_codes_must_be_iso_countries(tmp_path: Path, code: str) -> None:
    """A member code of the right shape that is no ISO 3166-1 alpha-2 country is refused."""
    path = tmp_path / "members.toml"
    text = DERIVED.format(id="x", base="japan") + f'[[members]]\ngroup = "A"\ncountries = ["{code}"]\n'
    path.write_text(text, encoding="utf-8")
    failed(
        run("regime", "show", path),
        f"members[0].countries: expected an ISO 3166-1 alpha-2 country code; {code!r}",
    )


@pytest.mark.parametrize(
    ("authorities", "expected"),
    [
        (("JP", "JP"), "authorities[1].country: expected one authority per country; JP repeats"),
        (("DE",), "authorities[0].country: expected a country a supplier exports from (JP); got 'DE'"),
        (("QQ",), "authorities[0].country: expected an ISO 3166 alpha-2 country code; got 'QQ'"),
    ],
)
def test_authorities_name_one_exporting_country_each(
    tmp_path: Path, authorities: tuple[str, ...], expected: str
) -> None:
    """Two authorities for one country, one for a country no supplier is in, or a non-country, are refused."""
    tables = "".join(f'\n[[authorities]]\ncountry = "{c}"\nexaminers = 5\n' for c in authorities)
    path = _scenario(tmp_path)
    path.write_text(ONE_FAB + tables, encoding="utf-8")
    failed(run("validate", path), expected)


@pytest.mark.parametrize("output", [1e7, 6.8360463855487224e16, 1e30])
def test_a_huge_output_rate_runs_out_when_the_stock_does(
    monkeypatch: pytest.MonkeyPatch, output: float
) -> None:
    """A fab making ``output`` units a day runs out on day 30, its 30 days of stock, in a few dozen events.

    A stock so large that its crossing lies closer than the clock's resolution once left the
    timer re-arming at one instant until the events limit (found by tests/test_fuzz.py). Files
    now cap rates at 1e15, so the model's own guard is reached past the check, by ``replicate``.
    """
    monkeypatch.setattr(clock, "MAX_EVENTS", 50_000)
    scenario, regime = load_scenario(Path(__file__).parent / "scenarios" / "one-fab.toml")
    fabs = tuple(attrs.evolve(c, output_units_per_day=output) for c in scenario.chipmakers)
    records = replicate(prepare(attrs.evolve(scenario, chipmakers=fabs), regime))
    assert [(s.start, s.end) for s in records.stockouts] == [(30.0, None)]
    assert records.events < 100


def test_the_events_limit_counts_every_event(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A sound run that needs more events than the limit stops too, through the CLI with exit 2."""
    monkeypatch.setattr(clock, "MAX_EVENTS", 10)
    failed(run("run", _scenario(tmp_path), "--replications", "1"), "after 10 events")


def test_a_scenario_built_in_python_gets_the_files_check(tmp_path: Path) -> None:
    """``check_scenario`` refuses a NaN review period set in Python with the file's message and path."""
    scenario, regime = load_scenario(_scenario(tmp_path))
    check_scenario(scenario, regime)
    fab = attrs.evolve(scenario.chipmakers[0], review_period_days=float("nan"))
    with pytest.raises(InputError, match=r"chipmakers\[0\]\.review_period_days: expected a finite number"):
        check_scenario(attrs.evolve(scenario, chipmakers=(fab,)), regime)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            'lead_time_days = { dist = "fixed", value = 5.0 }',
            "lead_time_days = 3",
            "suppliers[0].products[0].lead_time_days: expected a table, got an integer",
        ),
        (
            'lead_time_days = { dist = "fixed", value = 5.0 }',
            'lead_time_days = { dist = "fixed", value = 5.0 }\n  surge = "yes"',
            "suppliers[0].products[0].surge: expected a table, got a string",
        ),
        (
            "review_period_days = 7.0",
            "review_period_days = 7.0\nintensity_cut = 3",
            "chipmakers[0].intensity_cut: expected a table, got an integer",
        ),
        ("examiners = 50", "examiners = 50\nitems = 3", "authority.items: expected an array, got an integer"),
    ],
)
def test_a_scalar_where_a_table_belongs_says_a_table_was_expected(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    """``surge = "yes"``, ``intensity_cut = 3`` or ``lead_time_days = 3`` say a table was expected."""
    failed(run("validate", _scenario(tmp_path, old, new)), expected)


def test_an_unknown_distribution_lists_the_known_ones(tmp_path: Path) -> None:
    """``dist = "normal"`` in a scenario reads "expected one of ...", not cattrs' Literal repr."""
    path = _scenario(tmp_path, 'dist = "fixed", value = 90.0', 'dist = "normal", value = 90.0')
    result = run("validate", path)
    failed(result, "authority.review_days.dist: expected one of 'fixed', 'uniform'", "got 'normal'")
    assert "typing.Literal" not in result.stderr


def test_a_fraction_for_an_integer_field_is_refused_through_the_command_line(tmp_path: Path) -> None:
    """``sweep --set authority.examiners=5.5`` is refused with exit 2, as the file refuses 5.5."""
    result = run("sweep", _scenario(tmp_path), "--set", "authority.examiners=5.5", "--quiet")
    failed(result, "authority.examiners", "expected an integer, got 5.5")
