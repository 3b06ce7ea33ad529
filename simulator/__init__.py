"""exportsim: an export-licensing rules simulator.

The rules engine decides shipments under export-control regimes encoded as dated, cited
data, and explains each decision against the law::

    >>> import datetime as dt
    >>> from simulator import Application, decide, load_regime
    >>> japan = load_regime("japan")
    >>> decide(japan, Application("photoresist", "KR", dt.date(2019, 7, 4))).licence
    'individual'

The supply model replays a scenario under a regime: ``load_scenario`` reads a scenario file
with its regime, ``simulate`` runs one replication and returns its records, and ``run``
summarises many replications.
"""

from simulator.errors import ExportsimError, InputError, Problem, RuleError, UnknownNameError
from simulator.model import simulate
from simulator.model.records import RunRecords
from simulator.regimes.loading import bundled_regimes, dump_regime, load_regime
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
from simulator.studies.experiments import run

__all__ = [
    "Application",
    "Attribute",
    "Decision",
    "DecisionTable",
    "ExporterProfile",
    "ExportsimError",
    "Finding",
    "InputError",
    "Interval",
    "Measure",
    "Problem",
    "Reason",
    "Regime",
    "RegimeChanges",
    "Rule",
    "RuleError",
    "RunRecords",
    "Scenario",
    "UnknownNameError",
    "bundled_regimes",
    "check_regime",
    "compile_regime",
    "decide",
    "derive",
    "dump_regime",
    "exporter_of",
    "load_regime",
    "load_scenario",
    "run",
    "simulate",
    "timeline",
]
