"""Hypothesis strategies and properties for regimes and scenarios: test yours as we test ours.

Use the strategies in your own tests::

    from hypothesis import given
    from simulator import load_regime
    from simulator.testing import applications

    regime = load_regime("my-regime.toml")

    @given(applications(regime))
    def test_something(application): ...

or run every shipped property on a regime with :func:`run_properties` (which is what
``exportsim regime check --properties FILE`` does). Each property raises ``AssertionError``
with a message naming the rule it found broken.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.reporting import with_reporter

from simulator.regimes.loading import dump_regime, parse_regime, parse_toml
from simulator.rules.compiled import compile_regime
from simulator.rules.derive import RegimeChanges, derive
from simulator.rules.engine import (
    GAP,
    assess,
    boundaries,
    decide,
    named_countries,
    outcome,
    triggers_catch_all,
    usable_kinds,
)
from simulator.rules.inforce import in_force, periods
from simulator.rules.values import (
    LISTED_TAG,
    LISTING_ACTIONS,
    PROHIBITED,
    Application,
    ExporterProfile,
    Group,
    Item,
    Regime,
    Rule,
)
from simulator.testing.clocks import (
    a_holiday_never_shortens_a_period,
    covered_days,
    working_period_ends_on_a_working_day,
)
from simulator.testing.scenarios import distributions as distributions
from simulator.testing.scenarios import scenarios as scenarios
from simulator.testing.scenarios import scoped_regimes as scoped_regimes
from simulator.testing.storage import temporary_storage as temporary_storage

_YEARS_AFTER_LAST_MEASURE = 3
_EXTRA_COUNTRIES = ("VN", "IN", "MX", "TH")


def days(regime: Regime) -> st.SearchStrategy[dt.date]:
    """Dates within the regime, weighted towards the days its law changes and their eves."""
    points = [d for d, _ in boundaries(regime)]
    last = points[-1] + dt.timedelta(days=365 * _YEARS_AFTER_LAST_MEASURE)
    near = [
        d + dt.timedelta(days=k) for d in points for k in (-1, 0, 1) if d + dt.timedelta(days=k) >= points[0]
    ]
    return st.one_of(st.sampled_from(near), st.dates(points[0], last))


def exporters(regime: Regime | None = None) -> st.SearchStrategy[ExporterProfile]:
    """Exporter profiles: the established exporter, or any combination of the regime's attributes.

    With a regime, the exporter holds any subset of the attributes it declares (or its
    defaults; all and none come up often, so that every trigger and requirement is met), and
    may hold only some of its bulk licences (any subset, as the supply model's suppliers do),
    or name none held (all it qualifies for). Without one, only the established exporter of
    whichever regime reads the profile.
    """
    if regime is None:
        return st.just(ExporterProfile())
    names = sorted(a.id for a in regime.attributes)
    extremes = st.sampled_from([frozenset(), frozenset(names)])  # all or none: each rule's trigger met
    held = st.none() | extremes | st.frozensets(st.sampled_from(names)) if names else st.none()
    bulk = sorted(k.id for k in regime.licences if not k.per_application)
    licences = st.none() | st.frozensets(st.sampled_from(bulk)) if bulk else st.none()
    return st.builds(ExporterProfile, attributes=held, bulk_licences=licences)


def countries(regime: Regime) -> st.SearchStrategy[str]:
    """Destinations: every country the regime names or lists, and a few it does not."""
    listed = {c for entry in regime.members for c in entry.countries}
    return st.sampled_from(sorted({*named_countries(regime), *listed, *_EXTRA_COUNTRIES}))


def items(regime: Regime) -> st.SearchStrategy[Item]:
    """The regime's control-list entries and catch-all classes."""
    return st.sampled_from(regime.items)


def groups(regime: Regime) -> st.SearchStrategy[Group]:
    """The regime's destination groups."""
    return st.sampled_from(regime.groups)


def applications(regime: Regime) -> st.SearchStrategy[Application]:
    """Applications for any item, destination, date and exporter under ``regime``."""
    return st.builds(
        Application,
        item=items(regime).map(lambda i: i.id),
        destination=countries(regime),
        on=days(regime),
        exporter=exporters(regime),
    )


# ---------------------------------------------------------------- properties


def deterministic(regime: Regime, application: Application) -> None:
    """The same application decides the same way twice, compiled or interpreted."""
    first, second = decide(regime, application), decide(regime, application)
    assert first == second, f"{application} decided two ways"
    fast = compile_regime(regime).licence(
        application.item, application.destination, application.on, application.exporter
    )
    assert fast == first.licence, f"{application}: compiled {fast} but interpreted {first.licence}"


def constant_between_measures(regime: Regime, application: Application) -> None:
    """A decision changes only on a day some measure starts or ends."""
    points = [d for d, _ in boundaries(regime)]
    last_change = max(d for d in points if d <= application.on)
    earlier = attrs.evolve(application, on=last_change)
    now, then = decide(regime, application).licence, decide(regime, earlier).licence
    assert now == then, f"{application}: {now} on {application.on} but {then} on {last_change}"


def never_stricter_for_more_trust(
    regime: Regime, item: Item, day: dt.date, exporter: ExporterProfile
) -> None:
    """A generic member of a more trusted group never needs more than one of a less trusted."""
    order = regime.outcomes
    usable, triggered = usable_kinds(regime, exporter), triggers_catch_all(regime, exporter)
    ranked_groups = sorted(regime.groups, key=lambda g: g.rank)
    burdens = [
        (
            g.id,
            outcome(regime, assess(regime, item, None, day, g), triggered, usable),
        )
        for g in ranked_groups
    ]
    for (trusted, a), (less, b) in itertools.pairwise(burdens):
        assert GAP in (a, b) or order.index(a) <= order.index(b), (
            f"{item.id} on {day}: group {trusted} gets {a}, stricter than group {less}'s {b}"
        )


def most_trusted_group_exempt_from_catch_all(regime: Regime, item: Item, day: dt.date) -> None:
    """Off-list goods need nothing in the most trusted group (Group A), even if the catch-all is triggered."""
    group = min(regime.groups, key=lambda g: g.rank)
    found = assess(regime, item, None, day, group)
    if found.item.listed:  # listed on the day
        return
    result = outcome(regime, found, True, usable_kinds(regime, ExporterProfile()))
    assert result in ("none", PROHIBITED), f"{item.id} to group {group.id} on {day} with a concern: {result}"


def individual_route(regime: Regime, application: Application) -> None:
    """A listed good always has a per-application (individual) route unless prohibited."""
    item = regime.item(application.item)
    found = assess(regime, item, application.destination, application.on)
    if not found.item.listed or found.prohibition is not None:  # listed on the day
        return
    per_application = {k.id for k in regime.licences if k.per_application}
    assert found.available & per_application, (
        f"{item.id} to {application.destination} on {application.on}: no individual-licence route"
        f" (rules applied: {[r.id for r in found.applied]})"
    )


def listed_exactly_while_listing_in_force(regime: Regime, application: Application) -> None:
    """An item is listed on a day exactly when its first-day tags or the last listing in force say so.

    The listings in force are the ``list``/``delist`` rules naming the item of the measures whose
    period covers the day, less those suspended by a measure itself in force; the last in legal
    order that names ``listed`` decides, else the item's first-day tags.
    """
    item, day = regime.item(application.item), application.on
    covering = [p.measure for p in periods(regime) if p.covers(day)]
    active = [m for m in covering if not any(m.id in s.suspends for s in in_force(regime, day))]
    says = [r.action == "list" for m in active for r in m.rules if _lists_listed(r, item)]
    expected = says[-1] if says else item.listed
    found = assess(regime, item, application.destination, day)
    assert found.item.listed == expected, (
        f"{item.id} on {day}: listed {found.item.listed}, expected {expected}"
    )
    decision = decide(regime, application)
    dated = any(" is listed from " in r.text for r in decision.explanation)
    assert not dated or found.item.listed, f"{item.id} on {day}: explained as listed but is not"


def _lists_listed(rule: Rule, item: Item) -> bool:
    return rule.action in LISTING_ACTIONS and item.id in rule.items and LISTED_TAG in rule.tags


def derived_without_changes_equals_base(regime: Regime, application: Application) -> None:
    """A regime derived with no changes decides exactly as its base."""
    twin = derive(regime, RegimeChanges(id=f"{regime.id}-twin", base=regime.id))
    ours, theirs = decide(regime, application), decide(twin, application)
    assert attrs.evolve(theirs, regime=regime.id) == ours, f"{application}: derived twin differs"


def survives_dump_and_reload(regime: Regime) -> None:
    """A regime written as TOML and read back is the same regime."""
    text = dump_regime(regime)
    again = parse_regime(parse_toml(text, "<dump>"), "<dump>")
    assert again == regime, "the regime changed through dump and reload"


PROPERTIES: dict[str, tuple[Callable[..., None], Callable[[Regime], dict[str, st.SearchStrategy[Any]]]]] = {
    "deterministic": (deterministic, lambda r: {"application": applications(r)}),
    "constant-between-measures": (
        constant_between_measures,
        lambda r: {"application": applications(r)},
    ),
    "never-stricter-for-more-trust": (
        never_stricter_for_more_trust,
        lambda r: {"item": items(r), "day": days(r), "exporter": exporters(r)},
    ),
    "most-trusted-group-exempt-from-catch-all": (
        most_trusted_group_exempt_from_catch_all,
        lambda r: {"item": items(r), "day": days(r)},
    ),
    "individual-route": (individual_route, lambda r: {"application": applications(r)}),
    "listed-exactly-while-listing-in-force": (
        listed_exactly_while_listing_in_force,
        lambda r: {"application": applications(r)},
    ),
    "working-period-ends-on-a-working-day": (
        working_period_ends_on_a_working_day,
        lambda r: {"filed": covered_days(r), "pick": st.integers(0, 9)},
    ),
    "a-holiday-never-shortens-a-period": (
        a_holiday_never_shortens_a_period,
        lambda r: {"filed": covered_days(r), "holiday": covered_days(r), "pick": st.integers(0, 9)},
    ),
    "derived-without-changes-equals-base": (
        derived_without_changes_equals_base,
        lambda r: {"application": applications(r)},
    ),
    "survives-dump-and-reload": (survives_dump_and_reload, lambda _: {}),  # needs no examples
}
"""Every shipped property: name -> (check, strategies for its arguments besides the regime)."""


@attrs.frozen
class PropertyResult:
    """The outcome of running one property on a regime."""

    name: str
    passed: bool
    detail: str = ""


def run_properties(regime: Regime, max_examples: int = 200) -> tuple[PropertyResult, ...]:
    """Run every shipped property on ``regime`` (derandomized) and return the results.

    No example database, and Hypothesis's other files go to a temporary folder
    (:func:`temporary_storage`): running the properties writes no file.
    """
    with temporary_storage():
        return tuple(_run(name, regime, max_examples) for name in PROPERTIES)


def _run(name: str, regime: Regime, max_examples: int) -> PropertyResult:
    check, strategies = PROPERTIES[name]
    arguments = strategies(regime) or {"unused": st.none()}
    test = settings(
        max_examples=max_examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )(given(**arguments)(lambda **kw: check(regime, **{k: v for k, v in kw.items() if k != "unused"})))
    report: list[object] = []
    try:
        with with_reporter(report.append):
            test()
    except Exception as exc:  # a property reports any failure, not only assertions
        notes = [*getattr(exc, "__notes__", []), *map(str, report)]
        return PropertyResult(name, False, "\n".join([f"{type(exc).__name__}: {exc}", *notes]))
    return PropertyResult(name, True)
