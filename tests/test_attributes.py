"""Exporter attributes are the regime's data: declared, checked, named by users, unknown to the code."""

from __future__ import annotations

import ast
import datetime as dt
import tomllib
from pathlib import Path

import attrs
import pytest
import tomli_w
from helpers import failed, run

from simulator.errors import InputError
from simulator.model.supply import exporter_profile
from simulator.regimes.loading import bundled_text, load_regime
from simulator.rules.engine import decide
from simulator.rules.exporters import exporter_of
from simulator.rules.values import Application, ExporterProfile, Regime
from simulator.scenario.loading import load_scenario

PACKAGE = Path(__file__).parents[1] / "simulator"
JAPAN_ATTRIBUTES = tuple(a["id"] for a in tomllib.loads(bundled_text("japan.toml"))["attributes"])
FORBIDDEN = {*JAPAN_ATTRIBUTES, *(a.replace("-", "_") for a in JAPAN_ATTRIBUTES)}
"""Japan's attribute ids, and the same as Python identifiers (``end_use_concern``)."""


def _names_in(path: Path) -> list[str]:
    """Every string constant and identifier in a module that equals one of Japan's attribute names."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = {
            ast.Constant: lambda n: [n.value] if isinstance(n.value, str) else [],
            ast.Name: lambda n: [n.id],
            ast.Attribute: lambda n: [n.attr],
            ast.arg: lambda n: [n.arg],
            ast.keyword: lambda n: [n.arg or ""],
            ast.FunctionDef: lambda n: [n.name],
        }.get(type(node), lambda _: [])(node)
        found += [f"{path.name}:{getattr(node, 'lineno', 0)}: {n}" for n in names if n in FORBIDDEN]
    return found


def test_no_attribute_name_in_code() -> None:
    """No module of the package names one of Japan's attributes: the law's words are in its files only."""
    assert JAPAN_ATTRIBUTES == ("icp", "continuing", "end-use-concern")
    found = [hit for path in sorted(PACKAGE.rglob("*.py")) for hit in _names_in(path)]
    assert found == []


def test_the_grep_finds_a_planted_name(tmp_path: Path) -> None:
    """The search above does see a name written in code, as a string or as an identifier."""
    planted = tmp_path / "planted.py"
    planted.write_text('x = {"icp": True}\ndef f(end_use_concern): return y.continuing\n', encoding="utf-8")
    assert sorted(h.rsplit(": ", 1)[1] for h in _names_in(planted)) == [
        "continuing",
        "end_use_concern",
        "icp",
    ]


def test_established_exporter_is_the_declared_defaults(japan: Regime) -> None:
    """The established exporter holds exactly the attributes declared with ``default = true``."""
    assert japan.established == {"icp", "continuing"}
    assert ExporterProfile().held(japan) == japan.established
    assert exporter_of(japan) == ExporterProfile(frozenset({"icp", "continuing"}))
    assert exporter_of(japan, ["end-use-concern"], ["icp"]).held(japan) == {"continuing", "end-use-concern"}


def test_unknown_attribute_names_the_field_and_the_declared(japan: Regime) -> None:
    """An undeclared name is refused at its field, listing the regime's attributes."""
    with pytest.raises(InputError) as caught:
        exporter_of(japan, lacks=["ICP"], fields=("has", "cases[3].lacks"))
    message = str(caught.value)
    assert "cases[3].lacks" in message
    assert "'ICP'" in message
    assert "icp, continuing, end-use-concern" in message


def test_defaults_are_data(japan: Regime) -> None:
    """A derived regime that changes an attribute's default changes the established exporter's decisions."""
    no_icp = attrs.evolve(japan.attribute("icp"), default=False)
    derived = attrs.evolve(japan, attributes=(no_icp, *japan.attributes[1:]))
    application = Application("machine-tools", "KR", dt.date(2020, 1, 10))
    assert decide(japan, application).licence == "special-general-bulk"
    assert decide(derived, application).licence == "specific-bulk"


def test_explanation_uses_the_attribute_texts(japan: Regime) -> None:
    """Why a kind is out of reach is told in the words the regime declares for a missing attribute."""
    application = Application("machine-tools", "TR", dt.date(2020, 1, 1), exporter_of(japan, lacks=["icp"]))
    texts = " ".join(r.text for r in decide(japan, application).explanation)
    assert japan.attribute("icp").lacking in texts


def test_supplier_profile_from_has_and_lacks(japan: Regime) -> None:
    """A scenario supplier's ``has``/``lacks`` change the regime's established exporter."""
    scenario, _ = load_scenario(Path(__file__).parent / "scenarios" / "one-fab.toml")
    supplier = attrs.evolve(scenario.suppliers[0], lacks=("icp",), has=("end-use-concern",))
    assert exporter_profile(supplier, japan).held(japan) == {"continuing", "end-use-concern"}
    assert exporter_profile(scenario.suppliers[0], japan).held(japan) == japan.established


def _japan_with(tmp_path: Path, edit: dict[str, object]) -> str:
    data = tomllib.loads(bundled_text("japan.toml"))
    data.update(edit)
    path = tmp_path / "edited.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return str(path)


def _edited_licences(change: dict[str, object]) -> list[dict[str, object]]:
    licences = tomllib.loads(bundled_text("japan.toml"))["licences"]
    return [{**k, **change} if k["id"] == "specific-bulk" else k for k in licences]


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            {"licences": _edited_licences({"requires": ["continuous"]})},
            ("licences[2].requires", "'continuous'"),
        ),
        (
            {"catch_all": {**tomllib.loads(bundled_text("japan.toml"))["catch_all"], "trigger": "concern"}},
            ("catch_all.trigger", "'concern'", "icp, continuing, end-use-concern"),
        ),
        ({"attributes": []}, ("licences[1].requires", "declares none")),
        (
            {
                "attributes": [
                    *tomllib.loads(bundled_text("japan.toml"))["attributes"],
                    {"id": "icp", "title": "t", "default": True, "citation": "c"},
                ]
            },
            ("attributes", "'icp' appears 2 times"),
        ),
        (
            {"attributes": [{"id": "icp", "title": "t", "citation": "c"}]},
            ("attributes[0].default", "required"),
        ),
    ],
    ids=["undeclared-requirement", "undeclared-trigger", "none-declared", "duplicate", "no-default"],
)
def test_bad_attributes_in_a_regime_file(
    tmp_path: Path, edit: dict[str, object], expected: tuple[str, ...]
) -> None:
    """A regime using an undeclared attribute, or declaring one badly, exits 2 naming the file and field."""
    path = _japan_with(tmp_path, edit)
    failed(run("regime", "show", path), "edited.toml", *expected)


def test_derived_regime_may_add_an_attribute(tmp_path: Path) -> None:
    """A derived regime can declare a new attribute and require it for a licence kind."""
    licences = _edited_licences({"requires": ["continuing", "audited"]})
    derived = {
        "regime": {"id": "audited", "base": "japan"},
        "attributes": [{"id": "audited", "title": "Audited", "default": False, "citation": "c"}],
        "licences": [k for k in licences if k["id"] == "specific-bulk"],
    }
    path = tmp_path / "audited.toml"
    path.write_text(tomli_w.dumps(derived), encoding="utf-8")
    regime = load_regime(path)
    ask = Application("photoresist", "KR", dt.date(2020, 1, 10), exporter_of(regime, lacks=["icp"]))
    assert decide(regime, ask).licence == "individual"
    audited = attrs.evolve(ask, exporter=exporter_of(regime, ["audited"], ["icp"]))
    assert decide(regime, audited).licence == "specific-bulk"
