"""exportsim: an export-licensing rules simulator.

The rules engine decides shipments under export-control regimes encoded as dated, cited
data, and explains each decision against the law::

    >>> import datetime as dt
    >>> from simulator import Application, decide, load_regime
    >>> japan = load_regime("japan")
    >>> decide(japan, Application("photoresist", "KR", dt.date(2019, 7, 4))).licence
    'individual'

The supply model replays a scenario under a regime. One call per task, each taking a scenario
file's path or a loaded :class:`Scenario` and returning a frozen result with ``to_frame()``
(a tidy pandas frame) and ``to_dict()`` (the CLI's JSON)::

    import simulator as s
    result = s.run("scenarios/japan-2019.toml", replications=5)
    result.to_frame()                                   # one row per figure and statistic
    s.compare("scenarios/japan-2019.toml", ["no-gongju"], replications=5).to_frame()
    s.sweep("tests/scenarios/one-fab.toml", {"authority.examiners": "1:3:1"}).to_frame()

``load_scenario`` reads a scenario file with its regime, and ``simulate`` runs one
replication and returns its records.
"""

from simulator.errors import ExportsimError, InputError, Problem, RuleError, UnknownNameError
from simulator.model import simulate
from simulator.model.records import RunRecords
from simulator.regimes.loading import bundled_regimes, dump_regime, load_regime
from simulator.rendering.html import report
from simulator.rules.check import Finding, check_regime
from simulator.rules.compiled import DecisionTable, compile_regime
from simulator.rules.derive import RegimeChanges, derive
from simulator.rules.engine import decide, timeline
from simulator.rules.exporters import exporter_of
from simulator.rules.values import (
    Application,
    Attribute,
    Decision,
    ExporterProfile,
    Interval,
    Measure,
    Reason,
    Regime,
    Rule,
)
from simulator.scenario.loading import load_scenario
from simulator.scenario.values import Scenario
from simulator.studies.api import compare, run, sweep
from simulator.studies.results import ComparisonResult, Estimate, Records, RunResult, SweepResult

__all__ = [
    "Application",
    "Attribute",
    "ComparisonResult",
    "Decision",
    "DecisionTable",
    "Estimate",
    "ExporterProfile",
    "ExportsimError",
    "Finding",
    "InputError",
    "Interval",
    "Measure",
    "Problem",
    "Reason",
    "Records",
    "Regime",
    "RegimeChanges",
    "Rule",
    "RuleError",
    "RunRecords",
    "RunResult",
    "Scenario",
    "SweepResult",
    "UnknownNameError",
    "bundled_regimes",
    "check_regime",
    "compare",
    "compile_regime",
    "decide",
    "derive",
    "dump_regime",
    "exporter_of",
    "load_regime",
    "load_scenario",
    "report",
    "run",
    "simulate",
    "sweep",
    "timeline",
]
