"""Hypothesis strategies for scenarios: small random worlds under Japan's regime.

Sometimes a supplier holds a licence from a date, a fab is a defence user, or review terms
are keyed by destination group or end use, so that the model's properties cover them.

Kept apart from the regime strategies of :mod:`simulator.testing` (which re-exports these) so
that each module stays short; the model's property tests draw their scenarios from here.
"""

from __future__ import annotations

import datetime as dt

import attrs
from hypothesis import strategies as st

from simulator.rules.values import COVERS, Covers, Regime
from simulator.scenario.distributions import Distribution, fixed
from simulator.scenario.licensing import HeldLicence
from simulator.scenario.values import (
    ALLOCATIONS,
    Authority,
    Chipmaker,
    Expansion,
    IntensityCut,
    ItemReview,
    Lane,
    Material,
    MaterialUse,
    Product,
    Scenario,
    Source,
    Supplier,
    Surge,
)

_DAYS = st.floats(min_value=0.0, max_value=60.0, allow_nan=False)


def distributions(low: float = 0.0, high: float = 60.0) -> st.SearchStrategy[Distribution]:
    """Distributions of every kind whose parameters lie in [low, high]."""
    points = st.floats(low, high)
    ordered = st.lists(points, min_size=3, max_size=3).map(sorted)
    spread = st.tuples(st.floats(max(low, 0.1), high), points)
    return st.one_of(
        points.map(lambda v: Distribution("fixed", value=v)),
        ordered.map(lambda p: Distribution("uniform", low=p[0], high=p[2])),
        ordered.map(lambda p: Distribution("triangular", low=p[0], mode=p[1], high=p[2])),
        st.floats(max(low, 0.1), high).map(lambda m: Distribution("exponential", mean=m)),
        spread.map(lambda m: Distribution("gamma", mean=m[0], sd=m[1])),
        spread.map(lambda m: Distribution("lognormal", mean=m[0], sd=m[1])),
    )


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    """Small random scenarios under Japan's regime: Japanese and other suppliers, Korean fabs.

    The period always spans 4 Jul 2019, so some orders need individual licences. Every scenario
    drawn passes the checks a file is held to (:func:`~simulator.scenario.loading.check_scenario`).
    """
    supplier_count = draw(st.integers(1, 3))
    suppliers = tuple(
        Supplier(
            id=f"s{n}",
            country=draw(st.sampled_from(["JP", "JP", "CN"])),
            products=(_product(draw),),
            bulk_licences=tuple(draw(st.sets(st.sampled_from(["general-bulk", "specific-bulk"])))),
            contract_days=draw(st.sampled_from([0.0, 30.0, 90.0])),
            made_ahead_days=draw(st.sampled_from([None, None, 0.0, 14.0])),
            held_licences=draw(st.sampled_from(_HELD)),
        )
        for n in range(supplier_count)
    )
    shares = _shares(draw(st.lists(st.integers(1, 5), min_size=supplier_count, max_size=supplier_count)))
    fabs = tuple(_fab(draw, n, suppliers, shares) for n in range(draw(st.integers(1, 2))))
    authority = Authority(
        examiners=draw(st.integers(1, 5)),
        items=(
            *draw(st.sampled_from(_PLACED)),
            ItemReview(
                item="photoresist",
                review_days=draw(distributions(1.0, 120.0)),
                returned_probability=draw(st.floats(0.0, 1.0)),
                correction_days=draw(distributions(0.0, 30.0)),
                denial_probability=draw(st.floats(0.0, 0.5)),
                repeat_review_days=draw(st.none() | distributions(1.0, 120.0)),
                repeat_returned_probability=draw(st.none() | st.floats(0.0, 1.0)),
            ),
        ),
    )
    return Scenario(
        id="generated",
        start=dt.date(2019, 5, 1),
        end=dt.date(2019, 5, 1) + dt.timedelta(days=draw(st.integers(90, 300))),
        seed=draw(st.integers(0, 2**32 - 1)),
        materials=(
            Material(
                "photoresist",
                "photoresist",
                1000.0,
                storage_cap_days=draw(st.sampled_from([None, 20.0, 60.0])),
            ),
        ),
        suppliers=suppliers,
        chipmakers=fabs,
        lanes=(Lane("JP", "KR", draw(distributions(0.0, 10.0))), _CHINA_TO_KOREA),
        authority=authority,
    )


def scoped_regimes(regime: Regime) -> st.SearchStrategy[Regime]:
    """``regime`` with its applied-for licence kinds covering a contract, one shipment or the customer."""

    def covering(covers: Covers) -> Regime:
        kinds = tuple(attrs.evolve(k, covers=covers) if k.per_application else k for k in regime.licences)
        return attrs.evolve(regime, licences=kinds)

    return st.sampled_from(COVERS).map(covering)


def _product(draw: st.DrawFn) -> Product:
    """Resist: a capacity, a lead time, maybe an expansion on 1 Aug 2019 or a surge, an allocation rule."""
    surge = Surge(
        draw(st.floats(0.5, 20.0)), draw(st.sampled_from([0.0, 7.0, 30.0])), draw(st.sampled_from([0.0, 5.0]))
    )
    expansion = Expansion(dt.date(2019, 8, 1), draw(st.floats(0.5, 20.0)), draw(st.sampled_from([0.0, 30.0])))
    return Product(
        "photoresist",
        draw(st.floats(0.5, 20.0)),
        draw(distributions(0.0, 10.0)),
        expansions=draw(st.sampled_from([(), (), (expansion,)])),
        allocation=draw(st.sampled_from(ALLOCATIONS)),
        surge=draw(st.sampled_from([None, None, surge])),
    )


def _shares(weights: list[int]) -> list[float]:
    shares = [w / sum(weights) for w in weights]
    shares[-1] = 1.0 - sum(shares[:-1])
    return shares


def _fab(draw: st.DrawFn, n: int, suppliers: tuple[Supplier, ...], shares: list[float]) -> Chipmaker:
    return Chipmaker(
        id=f"fab{n}",
        country="KR",
        output_units_per_day=draw(st.floats(0.1, 2.0)),
        value_usd_per_unit=1.0,
        review_period_days=draw(st.sampled_from([1.0, 7.0, 14.0])),
        cover_target_days=draw(st.floats(5.0, 60.0)),
        materials=(
            MaterialUse(
                "photoresist",
                use_t_per_unit=draw(st.floats(0.1, 3.0)),
                start_inventory_days=draw(_DAYS),
                sources=tuple(Source(s.id, share) for s, share in zip(suppliers, shares, strict=True)),
                licence_weight=draw(st.sampled_from([1.0, 1.0, 0.0, 0.5])),
                weight_return_days=draw(st.sampled_from([0.0, 30.0])),
                weight_returns=draw(st.booleans()),
                pull_forward_days=draw(st.sampled_from([0.0, 0.0, 20.0])),
            ),
        ),
        intensity_cut=draw(st.sampled_from(_CUTS)),
        patience_days=draw(st.sampled_from([None, None, 5.0, 30.0])),
        company=draw(st.sampled_from(["", "one-company"])),
        end_use=draw(st.sampled_from(["civil", "civil", "defence"])),
    )


_CHINA_TO_KOREA = Lane("CN", "KR", fixed(1.0))
"""The lane a Chinese supplier ships by: the day the model takes for a lane not given, now declared
(a scenario must name every lane it uses), drawing nothing so that the examples stay as they were."""

_CUTS = (
    None,
    IntensityCut(10.0, 0.5),
    IntensityCut(0.0, 0.5, on_shock=True, max_days=20.0, output_loss_fraction=0.1),
    IntensityCut(5.0, 0.7, on_shock=True, shock_cover_days=20.0),
)

_HELD = (
    (),
    (),
    (HeldLicence("specific-bulk", dt.date(2019, 8, 1)),),
    (HeldLicence("specific-bulk", dt.date(2019, 7, 20), until=dt.date(2019, 9, 30), customers=("fab0",)),),
)
"""Licences held from a date (specific bulk is available for resist to Korea from 20 Dec 2019)."""
_PLACED = (
    (),
    (ItemReview("photoresist", review_days=fixed(5.0), destinations=("group:B",)),),
    (ItemReview("*", review_days=fixed(150.0), end_use="defence"),),
)
"""Review terms keyed by destination group or end use, ahead of the drawn item terms."""
