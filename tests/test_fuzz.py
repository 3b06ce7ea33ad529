"""Fuzzing the bundled scenario and regime files through the CLI: accepted or refused, never a traceback.

Each example damages one file (:mod:`simulator.testing.fuzz`) and runs the commands that read
it in-process: ``validate`` and ``run --replications 1`` on scenarios, ``regime check`` and
``check`` on regimes. Each must exit 0, or 2 with a message naming the file (``regime check``
also 1, its findings), within 20 s (60 s under coverage). The quick profile runs in CI;
``EXPORTSIM_FUZZ=long`` runs at least 2,000 examples per command and prints the outcomes, which
are also kept in pytest's cache under ``exportsim/fuzz``.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import sys
import tempfile
import tomllib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
import tomli_w
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.cli import main
from simulator.regimes.loading import load_regime
from simulator.rules.engine import boundaries
from simulator.testing.fuzz import ACCEPTED, FOUND, REFUSED, Hang, Mutant, mutants, place, time_limit, verdict

ROOT = Path(__file__).parents[1]
SCENARIOS = sorted([*ROOT.glob("scenarios/*.toml"), *ROOT.glob("tests/scenarios/*.toml")])
REGIMES = sorted(
    path
    for folder in ("scenarios/regimes", "simulator/regimes", "tests/regimes")
    for path in ROOT.glob(f"{folder}/*.toml")
    if not path.stem.endswith("-decisions")  # decision tables, not regimes
)
LONG = os.environ.get("EXPORTSIM_FUZZ") == "long"
PER_FILE = int(os.environ.get("EXPORTSIM_FUZZ_EXAMPLES", "0")) or (
    -(-2000 // min(len(SCENARIOS), len(REGIMES))) if LONG else 25
)
"""Examples per file: enough in the long profile for 2,000 per command."""


def _traced() -> bool:
    """Whether coverage (or a debugger) is watching every line, as under the suite's ``--cov``."""
    monitoring = getattr(sys, "monitoring", None)
    return sys.gettrace() is not None or (
        monitoring is not None and monitoring.get_tool(monitoring.COVERAGE_ID) is not None
    )


BUDGET_S = 20.0 * (3 if _traced() else 1)
"""A command still running after this long is a hang. The slowest sound mutant, a bundled
scenario run to the last allowed year (2200), takes about 10 s, and three times that traced."""

FUZZ = settings(
    max_examples=PER_FILE,
    derandomize=not LONG,  # CI fuzzes the same mutants every run; the long profile new ones
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
OUTCOMES: Counter[tuple[str, str]] = Counter()
"""(command, outcome) -> examples, over the module's tests."""


@pytest.fixture(scope="module", autouse=True)
def _outcomes(request: pytest.FixtureRequest) -> Iterator[None]:
    """Keep the outcomes in pytest's cache and, in the long profile, print them."""
    yield
    table = {f"{command} {outcome}": n for (command, outcome), n in sorted(OUTCOMES.items())}
    cache = getattr(request.config, "cache", None)  # absent under -p no:cacheprovider
    if cache is not None:
        cache.set("exportsim/fuzz", table)
    plugins = request.config.pluginmanager
    reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
    if LONG and reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():  # else a passing teardown's output is dropped
            reporter.write_line("")
            for line in _summary():
                reporter.write_line(line)


def _summary() -> Iterator[str]:
    names = ("accepted", "found", "refused", "traceback", "hang")
    yield f"fuzz outcomes ({PER_FILE} examples per file): " + ", ".join(names)
    for command in sorted({c for c, _ in OUTCOMES}):
        counts = [OUTCOMES[command, n] for n in names]
        yield f"  {command:<14} {sum(counts):>6} examples: " + ", ".join(map(str, counts))


@functools.cache
def _mutants(source: Path) -> st.SearchStrategy[Mutant]:
    return mutants(source)


def _invoke(command: str, path: Path, *args: str, findings: bool = False) -> None:
    """Run ``exportsim COMMAND ARGS``; judge and count the result."""
    try:
        with time_limit(BUDGET_S):
            result = CliRunner().invoke(main, [*command.split(), *args])
        outcome = verdict(result, findings)
    except Hang as exc:  # a failure Hypothesis reports with its example (it stops short on a BaseException)
        OUTCOMES[command, "hang"] += 1
        raise AssertionError(f"exportsim {command} hung: {exc}") from None
    except AssertionError:
        OUTCOMES[command, "traceback"] += 1
        raise
    OUTCOMES[command, outcome] += 1
    if outcome == "refused" and command != "check":
        assert path.name in result.stderr, f"the message names no file:\n{result.stderr}"


@pytest.mark.parametrize("source", SCENARIOS, ids=lambda p: str(p.relative_to(ROOT)))
@FUZZ
@given(data=st.data())
def test_a_damaged_scenario_is_run_or_refused(source: Path, data: st.DataObject) -> None:
    """``validate`` and ``run`` accept a damaged scenario or refuse it with a message, in time."""
    mutant = data.draw(_mutants(source), label="mutant")
    fmt = data.draw(st.sampled_from(["table", "json"]), label="format")
    with tempfile.TemporaryDirectory() as folder:
        path = place(source, mutant.content, Path(folder))
        _invoke("validate", path, str(path))
        _invoke("run", path, "--replications", "1", "--quiet", "--format", fmt, str(path))


@functools.cache
def _shipments(source: Path) -> st.SearchStrategy[list[str]]:
    """The options of ``check``: an item, destination and date of the regime, and its attributes."""
    regime = load_regime(source)
    days = [d for d, _ in boundaries(regime)]
    item = st.sampled_from([*(i.id for i in regime.items), "unlisted", "no-such-item"])
    country = st.sampled_from(["KR", "CN", "JP", "US", "KP", "TW", "kr", "XX"])
    day = st.sampled_from(days) | st.dates(dt.date(1990, 1, 1), dt.date(2040, 12, 31))
    names = [a.id for a in regime.attributes] or ["icp"]
    attribute = st.tuples(st.sampled_from(["--has", "--lacks"]), st.sampled_from(names))
    return st.builds(
        lambda i, c, d, a, f: ["--item", i, "--to", c, "--on", d.isoformat(), *a, "--format", f],
        item,
        country,
        day,
        st.lists(attribute, max_size=2).map(lambda pairs: [x for pair in pairs for x in pair]),
        st.sampled_from(["text", "json"]),
    )


@pytest.mark.parametrize("source", REGIMES, ids=lambda p: str(p.relative_to(ROOT)))
@FUZZ
@given(data=st.data())
def test_a_damaged_regime_is_checked_or_refused(source: Path, data: st.DataObject) -> None:
    """``regime check`` and ``check`` accept a damaged regime or refuse it with a message, in time."""
    mutant = data.draw(_mutants(source), label="mutant")
    shipment = data.draw(_shipments(source), label="shipment")
    with tempfile.TemporaryDirectory() as folder:
        path = place(source, mutant.content, Path(folder))
        _invoke("regime check", path, str(path), findings=True)
        _invoke("check", path, "--regime", str(path), *shipment)


@pytest.mark.parametrize("source", SCENARIOS + REGIMES, ids=lambda p: str(p.relative_to(ROOT)))
@pytest.mark.parametrize("rewrite", [False, True], ids=["as-is", "through-tomli-w"])
def test_an_undamaged_copy_is_accepted(source: Path, rewrite: bool, tmp_path: Path) -> None:
    """Each source placed with the files it names, as it is or written back from its data, is accepted."""
    content = source.read_bytes()
    if rewrite:
        content = tomli_w.dumps(tomllib.loads(content.decode("utf-8"))).encode()
    path = place(source, content, tmp_path)
    command = ["validate", path] if source in SCENARIOS else ["regime", "check", path]
    result = CliRunner().invoke(main, [str(a) for a in command])
    assert verdict(result) == ACCEPTED, result.output


@pytest.mark.parametrize(
    ("result", "findings", "message"),
    [
        (SimpleNamespace(exit_code=1, exception=ValueError("x"), output=""), False, "raised ValueError"),
        (SimpleNamespace(exit_code=2, exception=SystemExit(2), output=" \n"), False, "without a message"),
        (SimpleNamespace(exit_code=1, exception=SystemExit(1), output="gap"), False, "exit 1"),
        (SimpleNamespace(exit_code=0, exception=None, output="Traceback (most"), False, "Traceback"),
    ],
)
def test_verdict_fails_a_traceback_an_empty_refusal_and_a_stray_exit(
    result: SimpleNamespace, findings: bool, message: str
) -> None:
    """``verdict`` fails an exception, exit 2 without a message, exit 1 unless findings, and a traceback."""
    with pytest.raises(AssertionError, match=message):
        verdict(result, findings)


def test_verdict_names_each_outcome() -> None:
    """Exit 0 is accepted, exit 2 with a message refused, and exit 1 found where findings are allowed."""
    outcomes = [
        verdict(SimpleNamespace(exit_code=0, exception=None, output="ok")),
        verdict(SimpleNamespace(exit_code=2, exception=SystemExit(2), output="Error: x")),
        verdict(SimpleNamespace(exit_code=1, exception=SystemExit(1), output="gap"), findings=True),
    ]
    assert outcomes == [ACCEPTED, REFUSED, FOUND]


def test_time_limit_stops_a_loop_that_never_ends() -> None:
    """A block still running when the limit passes is stopped with Hang."""

    def forever() -> None:
        while True:
            pass

    with pytest.raises(Hang), time_limit(0.01):
        forever()
