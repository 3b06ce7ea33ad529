"""Metrics of one replication, computed from its records (pure numpy, no SimPy).

Definitions (also in docs/model.md):

* **stock-out days**: total time a chipmaker held none of a material, within the horizon.
* **production loss fraction**: planned output lost while production was stopped, attributed
  to the materials that were out (split equally when several were), over planned output for
  the whole horizon.
* **time to survive (TTS)**: days from the shock (the first day this chipmaker's sources
  need an individual licence for the material) to the first stock-out of it; censored at the
  horizon when none comes.
* **time to recover (TTR)**: days from the shock until trailing 30-day receipts again cover
  30 days of planned use, having first fallen short after the shock; 0 if they never fell
  short; censored at the horizon if they never recover.
* **first approval**: days from the material's shock to the first approved application.
* **tts_lt_ttr**: 1 when time to survive is shorter than time to recover (the fab runs out
  before supply recovers), else 0; its mean over replications is P(TTS < TTR).
* **stock on the shock day** (``shock_stock_days``): the stock on hand when the shock comes,
  in days of planned use; beside it ``order_up_to_days``, the order-up-to target in the same
  unit (an input). Stock on hand is at most the target and often well below it, since orders
  are placed at review times and arrive after their lead time. Both are NaN without a shock.
* **conservation days**: time the plant used the material at a reduced rate (an intensity
  cut) while producing.
* **re-sourced tonnes**: tonnes of the material ordered again elsewhere because an order
  failed (prohibited, denied) or was cancelled after the buyer's patience ran out.
* **company output lost**: the value of planned output lost at all of a company's plants, in
  USD and as a fraction of the value of their planned output.
* **flows** and **customs**: monthly imports (:mod:`simulator.model.customs`).

With ``warm_up_days`` the metrics leave out the start of the run: stock-out days and lost
production count from the end of warm-up (planned output too), time to survive waits for a
stock-out that starts at or after it, a receipts window is judged short only on a day at or
after it, and flows count only shipments from then. Licensing metrics keep the whole run.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np

from simulator.model.customs import customs_flows, monthly_flows
from simulator.model.records import Receipt, RunRecords, Stockout
from simulator.scenario.values import Chipmaker, Scenario, SimDays

WINDOW_DAYS = 30
MetricPath = tuple[str, ...]


def daily_inventory(records: RunRecords, chipmaker: str, material: str) -> np.ndarray:
    """Stock in tonnes at the start of each day of the horizon (exact, from the change points)."""
    points = records.inventory[(chipmaker, material)]
    times = np.array([p.time for p in points])
    days = np.arange(int(records.horizon_days))
    last = np.searchsorted(times, days, side="right") - 1
    stock = np.array([p.stock_t for p in points])[last]
    rate = np.array([p.rate_t_per_day for p in points])[last]
    stock_now: np.ndarray = np.maximum(0.0, stock - rate * (days - times[last]))
    return stock_now


def chipmaker_metrics(records: RunRecords, scenario: Scenario) -> dict[str, dict[str, dict[str, float]]]:
    """Per chipmaker and material: stock-out days, lost production (fraction, USD), TTS and TTR."""
    result: dict[str, dict[str, dict[str, float]]] = defaultdict(dict)
    chipmakers = {c.id: c for c in scenario.chipmakers}
    begin = scenario.warm_up_days
    spans = _by_key(records.stockouts)
    receipts = _by_key(records.receipts)
    resourced: dict[tuple[str, str], float] = defaultdict(float)
    for failed in records.failed_orders:
        if failed.time >= begin:
            resourced[(failed.chipmaker, failed.material)] += failed.quantity_t
    for key in records.lost_units:
        chipmaker, material = key
        shock = records.shock_day.get(key)
        lost, planned = _production_after(records, spans, key, chipmakers[chipmaker], begin)
        tts = _time_to_survive(records, spans.get(key, []), shock, begin)
        ttr = _time_to_recover(records, receipts.get(key, []), key, shock, begin)
        use, target = _planned_use_and_target(chipmakers[chipmaker], material)
        result[chipmaker][material] = {
            "stockout_days": _stockout_days(records, spans.get(key, []), begin),
            "conservation_days": _conservation_days(records, key, begin),
            "resourced_t": resourced.get(key, 0.0),
            "production_loss_fraction": lost / planned if planned else 0.0,
            "production_loss_usd": lost * chipmakers[chipmaker].value_usd_per_unit,
            "tts_days": tts,
            "ttr_days": ttr,
            "tts_lt_ttr": float(tts < ttr) if shock is not None else math.nan,
            "shock_stock_days": _stock_days_at(records, key, shock, use),
            "order_up_to_days": target if shock is not None else math.nan,
        }
    return dict(result)


PLANT_METRICS = (
    "stockout_days", "conservation_days", "resourced_t", "production_loss_fraction",
    "production_loss_usd", "tts_days", "ttr_days", "tts_lt_ttr", "shock_stock_days", "order_up_to_days",
)  # fmt: skip
"""The metrics of each chipmaker and material, in the order :func:`chipmaker_metrics` gives them."""


def _planned_use_and_target(chipmaker: Chipmaker, material: str) -> tuple[float, float]:
    """Tonnes a day of planned use, and the order-up-to target in days of it."""
    use = chipmaker.use_of(material)
    return chipmaker.output_units_per_day * use.use_t_per_unit, chipmaker.order_up_to_days(use)


def _stock_days_at(records: RunRecords, key: tuple[str, str], time: SimDays | None, use: float) -> float:
    """Days of planned use on hand at ``time``: NaN without a time, or without use to count them in."""
    return _stock_at(records, key, time) / use if time is not None and use else math.nan


def _stock_at(records: RunRecords, key: tuple[str, str], time: SimDays) -> float:
    """Tonnes on hand at ``time``, after everything that happened at that instant."""
    points = records.inventory[key]
    last = bisect.bisect_right([p.time for p in points], time) - 1
    point = points[last]
    return max(0.0, point.stock_t - point.rate_t_per_day * (time - point.time))


def _by_key(entries: Iterable[Stockout | Receipt]) -> dict[tuple[str, str], list[Any]]:
    """Group stock-outs or receipts by (chipmaker, material), once per replication."""
    grouped: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for entry in entries:
        grouped[(entry.chipmaker, entry.material)].append(entry)
    return grouped


def _conservation_days(records: RunRecords, key: tuple[str, str], begin: SimDays = 0.0) -> float:
    """Days from ``begin`` the material was used at a reduced, non-zero rate."""
    return sum(max(0.0, end - max(start, begin)) for start, end in _cut(records, key))


def company_metrics(
    records: RunRecords, scenario: Scenario, plants: dict[str, dict[str, dict[str, float]]] | None = None
) -> dict[str, dict[str, float]]:
    """Per company: the value of output lost at all its plants (after warm-up), in USD and as a fraction.

    ``plants`` are the plants' :func:`chipmaker_metrics`, if already worked out.
    """
    plants = chipmaker_metrics(records, scenario) if plants is None else plants
    lost: dict[str, float] = defaultdict(float)
    planned: dict[str, float] = defaultdict(float)
    span = records.horizon_days - scenario.warm_up_days
    for chipmaker in scenario.chipmakers:
        uses = plants.get(chipmaker.id, {}).values()  # a chipmaker using no material has no entry
        lost[chipmaker.company_id] += sum(m["production_loss_usd"] for m in uses)
        planned[chipmaker.company_id] += chipmaker.output_units_per_day * span * chipmaker.value_usd_per_unit
    return {
        company: {
            "production_loss_usd": lost[company],
            "production_loss_fraction": lost[company] / planned[company] if planned[company] else 0.0,
        }
        for company in planned
    }


def supplier_metrics(records: RunRecords) -> dict[str, dict[str, float]]:
    """Per supplier: tonnes made, tonnes held at the end, and tonnes buyers re-sourced away from it."""
    away: dict[str, float] = defaultdict(float)
    for failed in records.failed_orders:
        away[failed.supplier] += failed.quantity_t
    return {
        supplier: {
            "output_t": made,
            "held_t": records.supplier_stock_t[supplier],
            "resourced_away_t": away[supplier],
        }
        for supplier, made in records.supplier_output_t.items()
    }


def _production_after(
    records: RunRecords,
    spans: dict[tuple[str, str], list[Stockout]],
    key: tuple[str, str],
    chipmaker: Chipmaker,
    begin: SimDays,
) -> tuple[float, float]:
    """Units lost to a material and units planned, from ``begin`` on (the records' own without warm-up)."""
    if not begin:
        return records.lost_units[key], records.planned_units[key[0]]
    rate, end = chipmaker.output_units_per_day, records.horizon_days
    out = [s for (owner, _), found in spans.items() if owner == key[0] for s in found]
    lost = lost_units_between(out, key[1], rate, begin, end)
    cut = chipmaker.intensity_cut
    if cut is not None and cut.output_loss_fraction:  # conservation's yield cost, split alike
        cutting = cutting_spans(records, chipmaker)
        lost += lost_units_between(cutting, key[1], rate * cut.output_loss_fraction, begin, end)
    return lost, rate * (end - begin)


def cutting_spans(records: RunRecords, chipmaker: Chipmaker) -> list[Stockout]:
    """The spans each of the plant's materials was used at a reduced, non-zero rate, as the slopes tell."""
    return [
        Stockout(chipmaker.id, use.material, start, end)
        for use in chipmaker.materials
        for start, end in _cut(records, (chipmaker.id, use.material))
    ]


def _cut(records: RunRecords, key: tuple[str, str]) -> Iterator[tuple[SimDays, SimDays]]:
    """The spans a material was used at a reduced, non-zero rate, as the recorded slopes tell."""
    full = records.planned_use_t_per_day[key] * (1 - 1e-9)
    for p, q in itertools.pairwise(records.inventory[key]):
        if 0 < p.rate_t_per_day < full and q.time > p.time:
            yield p.time, q.time


def lost_units_between(
    spans: Iterable[Stockout], material: str, rate: float, begin: SimDays, end: SimDays
) -> float:
    """Units of output lost to ``material`` from ``begin`` to ``end``, from one chipmaker's stock-outs.

    Production stops while any material is out, at ``rate`` units a day, and the loss is
    split equally among the materials out at the time (as the fab counts it). An open span
    lasts to ``end``.

    >>> spans = [Stockout("fab", "a", 0.0, 10.0), Stockout("fab", "b", 5.0, None)]
    >>> lost_units_between(spans, "a", 2.0, 0.0, 20.0), lost_units_between(spans, "b", 2.0, 8.0, 20.0)
    (15.0, 22.0)
    """
    closed = [(s.material, s.start, end if s.end is None else s.end) for s in spans]
    cuts = sorted({begin, end, *(t for _, low, high in closed for t in (low, high) if begin < t < end)})
    lost = 0.0
    for low, high in itertools.pairwise(cuts):
        out = {m for m, start, stop in closed if start <= low and stop >= high}
        if material in out:
            lost += (high - low) * rate / len(out)
    return lost


def _stockout_days(records: RunRecords, spans: list[Stockout], begin: SimDays) -> float:
    ends = ((records.horizon_days if s.end is None else s.end, s.start) for s in spans)
    return sum(max(0.0, end - max(start, begin)) for end, start in ends)


def _time_to_survive(
    records: RunRecords, spans: list[Stockout], shock: float | None, begin: SimDays
) -> float:
    if shock is None:
        return math.nan
    starts = [s.start for s in spans if s.start >= max(shock, begin)]
    return (min(starts) if starts else records.horizon_days) - shock


def _time_to_recover(
    records: RunRecords, receipts: list[Receipt], key: tuple[str, str], shock: float | None, begin: SimDays
) -> float:
    if shock is None:
        return math.nan
    horizon = int(records.horizon_days)
    kept = [r for r in receipts if r.time < horizon]
    days_received = np.array([int(r.time) for r in kept], dtype=np.int64)
    # bincount adds the weights in the order given, as a loop of += would
    daily = np.bincount(days_received, weights=[r.quantity_t for r in kept], minlength=horizon)
    trailing = np.convolve(daily, np.ones(WINDOW_DAYS))[:horizon]
    need = WINDOW_DAYS * records.planned_use_t_per_day[key] * (1 - 1e-9)
    days = np.arange(horizon)
    short = np.flatnonzero((days >= max(shock, begin)) & (trailing < need))
    if short.size == 0:
        return 0.0
    recovered = np.flatnonzero((days > short[0]) & (trailing >= need))
    return float((recovered[0] if recovered.size else records.horizon_days) - shock)


def licensing_metrics(records: RunRecords) -> dict[str, dict[str, float]]:
    """Per material: applications filed, approved, denied and returned; first approval; lead time."""
    result: dict[str, dict[str, float]] = {}
    for material, shock in records.material_shock_day.items():
        apps = [a for a in records.applications if a.material == material]
        approved = [a for a in apps if a.outcome == "approved"]
        first = min((a.decided for a in approved if a.decided is not None), default=None)
        lead = [a.decided - a.filed for a in apps if a.decided is not None]
        result[material] = {
            "applications": float(len(apps)),
            "approved": float(len(approved)),
            "denied": float(sum(a.outcome == "denied" for a in apps)),
            "returned": float(sum(a.returned for a in apps)),
            "first_approval_day": first - shock if first is not None and shock is not None else math.nan,
            "lead_time_days": float(np.mean(lead)) if lead else math.nan,
        }
    return result


def replication_metrics(records: RunRecords, scenario: Scenario, customs: bool = False) -> dict[str, Any]:
    """The headline metrics of one replication, nested as in ``exportsim run --format json``.

    With ``customs``, also the imports as customs count them, under ``customs``.
    """
    plants = chipmaker_metrics(records, scenario)
    metrics = {
        "chipmakers": plants,
        "companies": company_metrics(records, scenario, plants),
        "suppliers": supplier_metrics(records),
        "licensing": licensing_metrics(records),
        "flows": monthly_flows(records, scenario),
    }
    return {**metrics, "customs": customs_flows(records, scenario)} if customs else metrics


def flatten(tree: dict[str, Any], prefix: MetricPath = ()) -> Iterator[tuple[MetricPath, float]]:
    """Yield (path, value) for every number in a nested mapping."""
    for key, value in tree.items():
        if isinstance(value, dict):
            yield from flatten(value, (*prefix, key))
        else:
            yield (*prefix, key), float(value)
