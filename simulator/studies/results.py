"""What :func:`simulator.run`, :func:`simulator.compare` and :func:`simulator.sweep` return.

Frozen values rather than dicts: each result knows its scenario, seed and replications, gives
any one figure as an :class:`Estimate`, exports exactly the JSON the CLI prints
(``to_dict``), turns into a tidy pandas frame (``to_frame``, columns in
:mod:`simulator.studies.tidy`) and shows as an HTML table in Jupyter. pandas is imported only
when a frame is asked for, so the CLI does not pay for it.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from simulator.errors import UnknownNameError
from simulator.model.records import RunRecords
from simulator.rules.laws import Laws
from simulator.rules.values import Regime
from simulator.scenario.values import Override, Scenario
from simulator.studies.experiments import Variant
from simulator.studies.parallel import Outcome
from simulator.studies.sweep import PointResult
from simulator.studies.tables import TABLES, Calendar, rows
from simulator.studies.tidy import COLUMNS, KEYS, is_statistics, statistic_cells, summary_rows

if TYPE_CHECKING:
    import pandas as pd

HEADLINE = ("stockout_days", "production_loss_fraction", "tts_days", "ttr_days")
"""The chipmaker metrics a result's HTML table shows."""


@attrs.frozen
class Estimate:
    """One metric over the replications: its mean, 95% interval and percentiles.

    ``low`` and ``high`` are None where there is no interval (fewer than two values).
    """

    mean: float | None
    low: float | None
    high: float | None
    p10: float | None = None
    p50: float | None = None
    p90: float | None = None
    excludes_zero: bool | None = None
    """For a difference between variants: whether its interval excludes zero."""
    interval: str | None = None
    """How the interval was made: ``t-clipped``, ``clopper-pearson``, ``welch``... (docs/experiments.md)."""

    @classmethod
    def of(cls, stats: Mapping[str, Any]) -> Estimate:
        """The estimate a summary leaf describes."""
        low, high = stats.get("ci95") or (None, None)
        pick = {k: stats.get(k) for k in ("p10", "p50", "p90", "excludes_zero", "interval")}
        return cls(stats.get("mean"), low, high, **pick)


def _find(tree: Mapping[str, Any], path: tuple[str, ...], where: str) -> Estimate:
    node: Any = tree
    for n, key in enumerate(path):
        if not isinstance(node, Mapping) or is_statistics(node) or key not in node:
            known = list(node) if isinstance(node, Mapping) and not is_statistics(node) else []
            raise UnknownNameError(f"{where} key after {'/'.join(path[:n]) or 'the top'}", key, known)
        node = node[key]
    if not is_statistics(node):
        raise UnknownNameError(f"{where} key after {'/'.join(path)}", "(nothing)", list(node), matched=True)
    return Estimate.of(node)


def _frame(records: Iterable[Any], columns: Iterable[str]) -> pd.DataFrame:
    import pandas as pd  # noqa: PLC0415 - pandas only when a frame is asked for

    return pd.DataFrame.from_records(list(records), columns=list(columns))


@attrs.frozen
class Records:
    """A run's per-replication records, as DataFrames named and shaped like ``run --out``'s CSV files."""

    outcomes: tuple[Outcome, ...] = attrs.field(repr=lambda o: f"<{len(o)} replications>")
    calendar: Calendar = attrs.field(repr=False)

    @property
    def runs(self) -> tuple[RunRecords, ...]:
        """The model's own records of each replication."""
        return tuple(o.records[0] for o in self.outcomes)

    def frame(self, name: str) -> pd.DataFrame:
        """Table ``name`` (one of :data:`simulator.studies.tables.TABLES`) of every replication."""
        if name not in TABLES:
            raise UnknownNameError("records table", name, TABLES)
        return _frame((row for o in self.outcomes for row in rows(name, o, self.calendar)), TABLES[name])

    def daily_inventory(self) -> pd.DataFrame:
        """Stock at the start of each day: replication, chipmaker, material, date, stock_t."""
        return self.frame("daily_inventory")

    def applications(self) -> pd.DataFrame:
        """Every licence application: who filed for what, when, and what became of it."""
        return self.frame("applications")

    def shipments(self) -> pd.DataFrame:
        """Every shipment: day and date, supplier, route, chipmaker, material, tonnes, value, licence."""
        return self.frame("shipments")

    def flows(self) -> pd.DataFrame:
        """Monthly imports across borders after the warm-up, by material and route."""
        return self.frame("flows")

    def customs_flows(self) -> pd.DataFrame:
        """Monthly imports as customs count them, by trade code and route, zero months included."""
        return self.frame("customs_flows")


@attrs.frozen
class RunResult:
    """Many replications of one scenario under its regime (:func:`simulator.run`)."""

    scenario: Scenario = attrs.field(repr=lambda s: s.id)
    regime: Regime | Laws = attrs.field(repr=False)
    seed: int
    replications: int
    summary: Mapping[str, Any] = attrs.field(repr=False)
    """The metric tree: chipmakers, companies, suppliers, licensing, flows, customs."""
    measures: tuple[Mapping[str, str], ...] = attrs.field(repr=False)
    precision: Mapping[str, Any] | None = attrs.field(repr=False)
    provenance: Mapping[str, Any] = attrs.field(repr=False)
    records: Records | None = attrs.field(default=None, repr=False)
    """Per-replication records, when asked for with ``records=True``."""
    source: Path | None = attrs.field(default=None, repr=False)
    """The scenario file it was loaded from (None for a scenario built in Python)."""

    @classmethod
    def of(
        cls,
        data: Mapping[str, Any],
        scenario: Scenario,
        regime: Regime | Laws,
        records: Records | None,
        source: Path | None = None,
    ) -> RunResult:
        """The result whose :meth:`to_dict` is ``data`` (the JSON of ``exportsim run``)."""
        own = ("scenario", "seed", "replications", "precision", "measures", "provenance")
        summary = {k: v for k, v in data.items() if k not in own}
        return cls(
            scenario, regime, data["seed"], data["replications"], summary,
            tuple(data["measures"]), data.get("precision"), data["provenance"], records, source,
        )  # fmt: skip

    def estimate(self, *path: str) -> Estimate:
        """One figure, e.g. ``estimate("chipmakers", "lgd", "liquid-hf", "stockout_days")``."""
        return _find(self.summary, path, "summary")

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready summary, exactly as ``exportsim run --format json`` prints it."""
        head = {"scenario": self.scenario.id, "seed": self.seed, "replications": self.replications}
        return {
            **head,
            **({"precision": dict(self.precision)} if self.precision else {}),
            **self.summary,
            "measures": [dict(m) for m in self.measures],
            "provenance": dict(self.provenance),
        }

    def to_json(self) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)  # as the CLI prints it

    def to_frame(self) -> pd.DataFrame:
        """A long frame, one row per figure and statistic; columns :data:`~simulator.studies.tidy.COLUMNS`."""
        return _frame(summary_rows(self.summary), COLUMNS)

    def headline(self) -> pd.DataFrame:
        """Each chipmaker and material's headline metrics: mean and 95% interval, a column each."""
        return _headline(self.to_frame(), ["subject", "material"])

    def _repr_html_(self) -> str:
        name, count = html.escape(self.scenario.id), self.replications
        title = f"<p><b>{name}</b>: {count} replications, seed {self.seed}</p>"
        if not self.summary.get("chipmakers"):
            return title
        return title + _html_table(self.headline())


DIFFERENCE_COLUMNS = ("variant", "kind", *KEYS, "statistic", "value", "interval", "excludes_zero")
"""The columns of a comparison's tidy frame: ``kind`` is ``summary`` or ``difference``."""


@attrs.frozen
class ComparisonResult:
    """Variants run with common random numbers, and each one's differences from the first."""

    baseline: str
    variants: tuple[str, ...]
    paired: bool
    seed: int
    replications: int
    summaries: Mapping[str, Mapping[str, Any]] = attrs.field(repr=False)
    differences: Mapping[str, Mapping[str, Any]] = attrs.field(repr=False)
    precision: Mapping[str, Any] | None = attrs.field(repr=False)
    provenance: Mapping[str, Any] = attrs.field(repr=False)
    worlds: tuple[Variant, ...] = attrs.field(default=(), repr=False)
    """Each variant's name, scenario and regime, in order."""
    sources: tuple[Path | None, ...] = attrs.field(default=(), repr=False)
    """The scenario files compared: one declaring the variants, or one per variant (None: built in Python)."""

    @classmethod
    def of(
        cls, data: Mapping[str, Any], worlds: tuple[Variant, ...] = (), sources: tuple[Path | None, ...] = ()
    ) -> ComparisonResult:
        """The result whose :meth:`to_dict` is ``data`` (the JSON of ``exportsim compare``)."""
        return cls(
            data["baseline"], tuple(data["variants"]), data["paired"], data["seed"], data["replications"],
            data["variants"], data["differences"], data.get("precision"), data["provenance"], worlds, sources,
        )  # fmt: skip

    def estimate(self, variant: str, *path: str) -> Estimate:
        """One variant's figure, e.g. ``estimate("base", "chipmakers", "fab", "resist", "stockout_days")``."""
        if variant not in self.summaries:
            raise UnknownNameError("variant", variant, self.summaries)
        return _find(self.summaries[variant], path, f"variant {variant!r}")

    def difference(self, variant: str, *path: str) -> Estimate:
        """A variant's figure less the baseline's, with its interval (paired unless ``paired`` is False)."""
        if variant not in self.differences:
            raise UnknownNameError("variant compared with the baseline", variant, self.differences)
        return _find(self.differences[variant], path, f"difference of {variant!r}")

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready comparison, exactly as ``exportsim compare --format json`` prints it."""
        return {
            **({"precision": dict(self.precision)} if self.precision else {}),
            "variants": dict(self.summaries),
            "differences": dict(self.differences),
            "baseline": self.baseline,
            "paired": self.paired,
            "seed": self.seed,
            "replications": self.replications,
            "provenance": dict(self.provenance),
        }

    def to_frame(self) -> pd.DataFrame:
        """A long frame, one row per variant, figure and statistic; columns :data:`DIFFERENCE_COLUMNS`."""
        return _frame(self._rows(), DIFFERENCE_COLUMNS)

    def _rows(self) -> Iterable[dict[str, Any]]:
        for kind, trees in (("summary", self.summaries), ("difference", self.differences)):
            for variant, tree in trees.items():
                for row in summary_rows(tree):
                    yield {"variant": variant, "kind": kind, **row}

    def _repr_html_(self) -> str:
        frame = self.to_frame()
        baseline, count = html.escape(self.baseline), self.replications
        title = f"<p><b>{len(self.variants)} variants</b> against {baseline}: {count} replications</p>"
        table = _headline(frame[frame.kind == "difference"], ["variant", "subject", "material"])
        return title if table.empty else title + _html_table(table)


def _headline(frame: pd.DataFrame, index: list[str]) -> pd.DataFrame:
    """The chipmakers' :data:`HEADLINE` metrics of a tidy frame: mean and interval a column each."""
    chosen = frame[(frame.section == "chipmakers") & frame.metric.isin(HEADLINE)]
    chosen = chosen[chosen.statistic.isin(["mean", "ci95_low", "ci95_high"])]
    return chosen.pivot_table(index=index, columns=["metric", "statistic"], values="value", sort=False)


def _html_table(table: pd.DataFrame) -> str:
    return str(table.to_html(float_format=lambda v: f"{v:.3g}"))


SWEEP_COLUMNS = ("point", "swept", "swept_value", *KEYS, "statistic", "value", "interval", "holds")
"""The columns of a sweep's tidy frame: a row per point, swept field, figure and statistic."""


@attrs.frozen
class SweepResult:
    """A scenario run at each point of a grid or Latin hypercube (:func:`simulator.sweep`)."""

    fields: tuple[str, ...]
    points: tuple[PointResult, ...] = attrs.field(repr=lambda p: f"<{len(p)} points>")
    condition: str | None = None
    answer: Override | None = None
    """With a condition on one field: the smallest value meeting it with 95% confidence."""

    def to_frame(self) -> pd.DataFrame:
        """A long frame, a row per point, swept field, figure and statistic: :data:`SWEEP_COLUMNS`."""
        return _frame(self._rows(), SWEEP_COLUMNS)

    def _rows(self) -> Iterable[dict[str, Any]]:
        for n, point in enumerate(self.points):
            for field in self.fields:
                for row in summary_rows(point.summary):
                    yield {
                        "point": n,
                        "swept": field,
                        "swept_value": point.point[field],
                        **row,
                        "holds": point.holds,
                    }

    def condition_frame(self) -> pd.DataFrame:
        """The condition's measure at each point: point, one column per field, mean, interval, holds."""
        table = (
            (n, *(p.point[f] for f in self.fields), *_condition_cells(p), p.holds)
            for n, p in enumerate(self.points)
        )
        return _frame(table, ("point", *self.fields, "mean", "ci95_low", "ci95_high", "holds"))

    def _repr_html_(self) -> str:
        head = f"<p><b>{len(self.points)} points</b> over {html.escape(', '.join(self.fields))}"
        if self.condition is not None:
            head += f"; smallest meeting '{html.escape(self.condition)}': {html.escape(str(self.answer))}"
        return head + "</p>" + str(self.condition_frame().to_html() if self.condition else "")


def _condition_cells(point: PointResult) -> tuple[Any, ...]:
    if point.condition is None:
        return (None, None, None)
    cells = dict(statistic_cells(point.condition.summary()))
    return (cells.get("mean"), cells.get("ci95_low"), cells.get("ci95_high"))
