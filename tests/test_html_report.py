"""The HTML report of ``run`` and ``compare`` (``--report FILE.html``), read as markup.

The page is parsed with the standard library's HTML parser, so the checks see what a browser
would build: which elements exist (no injected ones), which attributes could load something
(none points elsewhere), one ``<svg>`` per picture, ids unique. Figures come from one-fab
(fixed times), whose quick variant's 30-day reviews shorten its stock-outs by a hand-checked
amount; tests/test_html_browser.py opens the same pages in Chromium.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import attrs
import pytest
from helpers import run

from simulator.errors import InputError
from simulator.regimes.loading import load_regime
from simulator.rendering import html as report_html
from simulator.rendering import html_tables as tables
from simulator.rendering.html import Picture, Subject
from simulator.rendering.markup import difference, statistic
from simulator.rendering.output import FanCollector
from simulator.rendering.provenance import opening_comment, scenario_section, subject_of
from simulator.rules.laws import Laws
from simulator.rules.values import Regime
from simulator.scenario.loading import load_scenario, load_variants
from simulator.scenario.values import Scenario
from simulator.studies.experiments import Plan, Variant, comparison, study
from simulator.studies.experiments import run as run_study

ROOT = Path(__file__).resolve().parents[1]
ONE_FAB = ROOT / "tests" / "scenarios" / "one-fab.toml"
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>&amp;'
RUN_SECTIONS = ("question", "headline", "licensing", "figures", "responses", "scenario-one-fab")
COMPARE_SECTIONS = ("question", "variants", "differences", "licensing", "figures", "scenario-one-fab")
LICENSING = ("applications", "approved", "denied", "returned", "first_approval_day", "lead_time_days")
LOADING = {"src", "href", "xlink:href", "data", "action", "srcset", "poster", "formaction", "background"}


class Markup(HTMLParser):
    """Every start tag with its attributes, and the text, of a page."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(page)
        self.close()

    def handle_starttag(self, tag: str, attributes: list[tuple[str, str | None]]) -> None:
        """Keep the tag and its attributes."""
        self.tags.append((tag, dict(attributes)))

    def handle_data(self, data: str) -> None:
        """Keep the text."""
        self.text.append(data)

    def named(self, tag: str) -> list[dict[str, str | None]]:
        """The attributes of every ``tag`` element."""
        return [found for name, found in self.tags if name == tag]


def quick_variant(folder: Path) -> Path:
    """One-fab with 30-day reviews instead of 90, as a scenario file of its own."""
    text = ONE_FAB.read_text(encoding="utf-8")
    text = text.replace('id = "one-fab"', 'id = "one-fab-quick"').replace("value = 90.0", "value = 30.0")
    path = folder / "one-fab-quick.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def one_fab_run() -> tuple[dict[str, Any], Subject, FanCollector]:
    """Two replications of one-fab: the run mapping, its subject and the daily stock kept."""
    scenario, law = load_scenario(ONE_FAB)
    fans = FanCollector()
    plan = Plan(replications=2, keep_records=True)
    summary = run_study(scenario, law, plan, scenario.seed, on_outcome=fans.add)
    return summary, subject_of(scenario.id, scenario, law, ONE_FAB), fans


@pytest.fixture(scope="module")
def one_fab_comparison(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], list[Subject]]:
    """One-fab against its quick-review variant, two replications: the mapping and the subjects."""
    quick = quick_variant(tmp_path_factory.mktemp("quick"))
    loaded = [(path, *load_scenario(path)) for path in (ONE_FAB, quick)]
    variants = [Variant(s.id, s, r) for _, s, r in loaded]
    data = comparison(study(variants, 1, Plan(replications=2)), Plan(replications=2))
    return data, [subject_of(s.id, s, r, p) for p, s, r in loaded]


def a_run_page(one_fab_run: tuple[dict[str, Any], Subject, FanCollector]) -> str:
    """The run report of one-fab, pictures drawn afresh."""
    summary, subject, fans = one_fab_run
    pictures = report_html.run_pictures(summary, fans.series(), subject.scenario.start)
    return report_html.run_page(summary, subject, pictures)


def test_run_page_has_every_section_and_one_svg_per_picture(one_fab_run: Any) -> None:
    """The run page has its question, tables, figures, scenario, regime and provenance, one SVG a picture."""
    summary, subject, fans = one_fab_run
    pictures = report_html.run_pictures(summary, fans.series(), subject.scenario.start)
    markup = Markup(report_html.run_page(summary, subject, pictures))
    ids = [found.get("id") for found in markup.named("section")]
    assert ids == [*RUN_SECTIONS, "regime-japan", "provenance"]
    assert [p.title for p in pictures] == [
        "Inventory of each chipmaker and material",
        "Monthly imports by origin",
    ]
    assert len(markup.named("svg")) == len(pictures) == len(markup.named("figure"))


def test_run_page_shows_the_hand_checked_figures(one_fab_run: Any) -> None:
    """One-fab's 133 stock-out days, 18 days to survive, 11 applications and 90-day reviews are shown."""
    text = " ".join(Markup(a_run_page(one_fab_run)).text)
    for figure in ("133.0", "18.0", "11.0", "90.0", "0.621", "133.0"):
        assert figure in text
    assert "A deterministic test world: one Japanese supplier, one Korean fab, fixed times." in text
    assert "2019-07-04-three-items-individual" in text  # a measure dated within the scenario
    assert "2009-06-16-north-korea-ban" not in text  # one dated before it


def test_pictures_count_whatever_is_drawn(one_fab_run: Any) -> None:
    """A page holds exactly as many ``<svg>`` and ``<figure>`` elements as pictures given, none with none."""
    summary, subject, _ = one_fab_run
    box = '<?xml version="1.0"?>\n<svg width="10pt" height="10pt" viewBox="0 0 10 10"><rect id="r"/></svg>'
    for count in (0, 1, 3):
        pictures = [Picture(f"picture {n}", "a box", box) for n in range(count)]
        markup = Markup(report_html.run_page(summary, subject, pictures))
        assert len(markup.named("svg")) == len(markup.named("figure")) == count
        assert [s.get("aria-label") for s in markup.named("svg")] == [p.title for p in pictures]
        assert ("Nothing to draw." in markup.text) == (count == 0)


def test_ids_are_unique_across_the_inline_pictures(one_fab_run: Any) -> None:
    """Each picture's ids get their own prefix, so the page's ids are unique and references stay inside it."""
    page = a_run_page(one_fab_run)
    ids = [found["id"] for _, found in Markup(page).tags if found.get("id")]
    assert len(ids) == len(set(ids)) > 100
    referenced = set(re.findall(r'(?:href="#|url\(#)([^")]+)', page))
    assert referenced
    assert referenced <= set(ids)


def test_same_result_gives_the_same_bytes(one_fab_run: Any) -> None:
    """Drawing and rendering the same result twice gives identical pages: no clock, fixed SVG salts."""
    assert a_run_page(one_fab_run) == a_run_page(one_fab_run)


def test_nothing_refers_to_another_host(one_fab_run: Any, one_fab_comparison: Any) -> None:
    """No element loads anything: no script, link, image or frame; no attribute or url outside the page."""
    data, subjects = one_fab_comparison
    pages = [a_run_page(one_fab_run), report_html.comparison_page(data, subjects, [])]
    for page in pages:
        markup = Markup(page)
        tags = {tag for tag, _ in markup.tags}
        assert not tags & {
            "script",
            "link",
            "img",
            "iframe",
            "object",
            "embed",
            "base",
            "image",
            "audio",
            "video",
        }
        for tag, found in markup.tags:
            for name, value in found.items():
                if name in LOADING and not (tag == "a" and name == "href"):
                    assert (value or "").startswith("#"), (tag, name, value)
        styles = re.findall(r"url\(([^)]*)\)|@import", page)
        assert all(s.startswith("#") for s in styles), styles
        assert "<!DOCTYPE svg" not in page
        assert "<?xml" not in page


def test_user_strings_are_escaped(one_fab_run: Any) -> None:
    """A hostile title, note, source, chipmaker and measure title show as text and add no element."""
    summary, subject, _ = one_fab_run
    scenario = subject.scenario
    material = attrs.evolve(scenario.materials[0], source=HOSTILE)
    regime = subject.law
    assert isinstance(regime, Regime)
    measures = tuple(attrs.evolve(m, title=HOSTILE) for m in regime.measures)
    hostile = Subject(
        scenario.id,
        attrs.evolve(scenario, title=HOSTILE, materials=(material,)),
        attrs.evolve(regime, measures=measures, citation=HOSTILE),
        path=HOSTILE,
        notes=f"Question: {HOSTILE}",
    )
    chipmakers = {HOSTILE: summary["chipmakers"]["fab"]}
    page = report_html.run_page({**summary, "chipmakers": chipmakers}, hostile, [])
    markup = Markup(page)
    assert {tag for tag, _ in markup.tags}.isdisjoint({"script", "img"})
    assert all("onerror" not in found for _, found in markup.tags)
    shown = html.escape(HOSTILE, quote=True)
    assert page.count(shown) >= 6  # title, h1, question, chipmaker, source, citation, measures, file
    assert HOSTILE.replace("&amp;", "&") not in page


def test_comparison_marks_exactly_the_differences_excluding_zero(one_fab_comparison: Any) -> None:
    """Every rendered difference whose interval excludes zero, and no other, is bold and starred."""
    data, subjects = one_fab_comparison
    markup = Markup(report_html.comparison_page(data, subjects, []))
    marked = [found for found in markup.named("td") if "excludes-zero" in (found.get("class") or "")]
    diff = data["differences"]["one-fab-quick"]
    plant = diff["chipmakers"]["fab"]["photoresist"]
    cells = [
        *(
            plant[m]
            for m in ("stockout_days", "production_loss_fraction", "tts_days", "ttr_days", "tts_lt_ttr")
        ),
        diff["companies"]["fab"]["production_loss_usd"],
        *(diff["licensing"]["photoresist"][m] for m in LICENSING),
    ]
    expected = sum(cell["excludes_zero"] for cell in cells)
    assert len(marked) == expected > 0
    quicker = plant["stockout_days"]
    assert quicker["excludes_zero"]
    assert f"{quicker['mean']:.1f}*" in "".join(markup.text)  # e.g. -76.7*: fewer days without resist


def test_comparison_page_sections(one_fab_comparison: Any) -> None:
    """The comparison page names its variants, both scenario files, the regime and the provenance."""
    data, subjects = one_fab_comparison
    pictures = report_html.comparison_pictures(data)
    markup = Markup(report_html.comparison_page(data, subjects, pictures))
    ids = [found.get("id") for found in markup.named("section")]
    assert ids == [*COMPARE_SECTIONS, "scenario-one-fab-quick", "regime-japan", "provenance"]
    assert [p.title for p in pictures] == [
        "Stock-out days by variant",
        "Output lost (fraction) by variant",
        "Monthly imports by origin: one-fab",
        "Monthly imports by origin: one-fab-quick",
    ]
    assert len(markup.named("svg")) == 4


def test_cells_show_mean_and_interval() -> None:
    """A mean shows with its interval beneath, a point alone, no mean as n/a; differences are signed."""
    assert statistic({"mean": 2.5, "ci95": [1.0, 4.0]}).markup == '2.5 <span class="ci">[1.0, 4.0]</span>'
    assert statistic({"mean": 3e6, "ci95": [3e6, 3e6]}, 1e-6).markup == "3.0"
    assert "n/a" in statistic({"mean": None, "ci95": None}).markup
    plain = difference({"mean": 0.5, "ci95": [-1.0, 2.0], "excludes_zero": False})
    assert (plain.markup, plain.css) == ('+0.500 <span class="ci">[-1.0, 2.0]</span>', "num")
    marked = difference({"mean": -2.0, "ci95": [-3.0, -1.0], "excludes_zero": True})
    assert marked.css == "num excludes-zero"
    assert marked.markup.startswith('-2.0<span class="mark"')


@pytest.mark.parametrize(
    ("notes", "title", "question"),
    [
        (
            "one-fab.\n\nQuestion: who runs\nshort, and when?\n\nSources: none.",
            "T",
            "Who runs short, and when?",
        ),
        ("A test world.", "The title", "The title"),
        ("A test world.\n\nMore.", "", "A test world."),
        ("", "", "one-fab"),
    ],
)
def test_question_is_the_files_own(
    one_fab: tuple[Scenario, Regime], notes: str, title: str, question: str
) -> None:
    """The question is the notes' 'Question:' paragraph, else the title, the first paragraph, the id."""
    scenario, regime = one_fab
    subject = Subject("one-fab", attrs.evolve(scenario, title=title), regime, notes=notes)
    page = report_html.run_page(
        {"scenario": "x", "seed": 1, "replications": 1, "provenance": {"scenarios": {}, "regimes": {}}},
        subject,
        [],
    )
    assert re.search(r'<blockquote class="question">(.*?)</blockquote>', page).group(1) == question  # type: ignore[union-attr]


def test_opening_comment_reads_the_leading_comment_lines(tmp_path: Path) -> None:
    """Only the comment lines before the first table count, without their '#', paragraphs kept apart."""
    path = tmp_path / "s.toml"
    path.write_text("# first line\n#   indented\n#\n# second\n[scenario]\n# not this\n", encoding="utf-8")
    assert opening_comment(path) == "first line\n  indented\n\nsecond"
    assert opening_comment(tmp_path / "missing.toml") == ""


def test_write_report_keeps_the_old_page_when_interrupted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C while the page is put in place leaves the previous page whole and no temporary file."""
    target = tmp_path / "report.html"
    target.write_text("old", encoding="utf-8")

    def interrupted(self: Path, other: Path) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(Path, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        report_html.write_report(target, "<!DOCTYPE html>new")
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]
    assert target.read_text(encoding="utf-8") == "old"


def test_write_report_names_a_file_it_cannot_write(tmp_path: Path) -> None:
    """A report under a plain file fails as an input error naming the report, with nothing left behind."""
    (tmp_path / "plain").write_text("", encoding="utf-8")
    target = tmp_path / "plain" / "report.html"
    with pytest.raises(InputError, match=r"plain/report\.html: expected a report file that can be written"):
        report_html.write_report(target, "page")
    with pytest.raises(InputError, match=r"expected a report file ending in \.html or \.htm"):
        report_html.write_report(tmp_path / "report.txt", "page")
    assert [p.name for p in tmp_path.iterdir()] == ["plain"]


# ---------------------------------------------------------------- the CLI


def strip_created(page: str) -> str:
    """The page without the result's creation time, the one thing two runs of a result differ in."""
    return re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", "(created)", page)


def test_cli_run_report(tmp_path: Path) -> None:
    """``run --report`` writes the page beside the printed table, the same bytes each time but the stamp."""
    pages = []
    for name in ("a.html", "b.html"):
        result = run("run", ONE_FAB, "--replications", "2", "--quiet", "--report", tmp_path / name)
        assert result.exit_code == 0, result.output
        assert "fab" in result.stdout
        pages.append((tmp_path / name).read_text(encoding="utf-8"))
    markup = Markup(pages[0])
    assert [s.get("id") for s in markup.named("section")] == [*RUN_SECTIONS, "regime-japan", "provenance"]
    assert len(markup.named("svg")) == 2
    assert strip_created(pages[0]) == strip_created(pages[1])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.html", "b.html"]


def test_cli_compare_report(tmp_path: Path) -> None:
    """``compare --report`` with two scenario files writes the differences, marked, and four pictures."""
    quick = quick_variant(tmp_path)
    target = tmp_path / "out" / "comparison.html"
    result = run(
        "compare", ONE_FAB, quick, "--replications", "2", "--quiet", "--report", target, "--format", "json"
    )
    assert result.exit_code == 0, result.output
    markup = Markup(target.read_text(encoding="utf-8"))
    assert [s.get("id") for s in markup.named("section")][:3] == ["question", "variants", "differences"]
    assert len(markup.named("svg")) == 4
    assert any("excludes-zero" in (td.get("class") or "") for td in markup.named("td"))


def test_cli_report_with_another_ending_is_refused_before_running(tmp_path: Path) -> None:
    """``--report x.txt`` exits 2 naming the option and the endings expected, and writes nothing."""
    for command in (["run", ONE_FAB], ["compare", ONE_FAB, ONE_FAB]):
        result = run(*command, "--report", tmp_path / "x.txt")
        assert result.exit_code == 2, result.output
        assert "--report" in result.stderr
        assert ".html or .htm" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_cli_report_failure_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An interrupt while the page is made leaves no report, no staging and no published --out folder."""

    def interrupted(*args: Any) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(report_html, "run_page", interrupted)
    result = run(
        "run", ONE_FAB, "--replications", "2", "--report", tmp_path / "r.html", "--out", tmp_path / "out"
    )
    assert result.exit_code == 130, result.output
    assert list(tmp_path.iterdir()) == []


def test_cli_unwritable_report_is_a_user_error(tmp_path: Path) -> None:
    """A report that cannot be written exits 2, naming it, with no traceback."""
    (tmp_path / "plain").write_text("", encoding="utf-8")
    result = run("run", ONE_FAB, "--replications", "1", "--report", tmp_path / "plain" / "r.html")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "r.html: expected a report file that can be written" in result.stderr


def test_start_dates_are_the_scenarios(one_fab_run: Any) -> None:
    """The scenario section states the period and its length from the file: 1 Jun to 31 Dec 2019, 214 days."""
    _, subject, _ = one_fab_run
    assert subject.scenario.start == dt.date(2019, 6, 1)
    assert "2019-06-01 to 2019-12-31 (214 days)" in a_run_page(one_fab_run)


# ---------------------------------------------------------------- provenance


def test_each_regime_in_force_has_its_section(one_fab_run: Any) -> None:
    """Under two regimes at once each gets a section listing its own measures dated within the scenario."""
    summary, subject, _ = one_fab_run
    laws = Laws((subject.law, load_regime("korea")))  # type: ignore[arg-type]
    page = report_html.run_page(summary, attrs.evolve(subject, law=laws), [])
    ids = [found.get("id") for found in Markup(page).named("section")]
    assert ids[-3:] == ["regime-japan", "regime-korea", "provenance"]
    korea = page[page.index('<section id="regime-korea"') :]
    assert "2019-09-18-japan-to-ga-2" in korea
    assert "2023-04-24-japan-to-ga" not in korea  # after the scenario ends


def test_declared_variants_show_their_title_regime_file_and_fields() -> None:
    """A declared variant shows its own title, its regime file beside the scenario and the fields it sets."""
    path = ROOT / "scenarios" / "japan-2019.toml"
    loaded = load_variants(path, ("base", "no-curbs", "two-weeks-stock"))
    base = loaded[0][1]
    subjects = [subject_of(name, s, r, path, base) for name, s, r in loaded]
    assert [s.title for s in subjects] == [
        "",
        "No 2019 measures at all",
        "Chipmakers hold two weeks of stock (ETNews, 16 Jul 2019)",
    ]
    table = " ".join(Markup(tables.variants(subjects)).text)
    assert "japan-without-2019-measures" in table
    assert "chipmakers.*.materials.*.start_inventory_days = 14.0" in table
    no_curbs = " ".join(Markup(scenario_section(subjects[1], "abc")).text)
    assert "regimes/japan-without-2019-measures.toml" in no_curbs
    assert "bundled regime japan" in " ".join(Markup(scenario_section(subjects[0], "abc")).text)


def test_a_world_without_chipmakers_says_so(one_fab_run: Any) -> None:
    """With no chipmakers and no licensing the tables give way to a sentence each, in both pages."""
    summary, subject, _ = one_fab_run
    bare = {k: v for k, v in summary.items() if k not in ("chipmakers", "companies", "licensing")}
    text = " ".join(Markup(report_html.run_page(bare, subject, [])).text)
    assert "The scenario has no chipmakers, so no one can run short." in text
    assert "No material needed an individual licence." in text
    variant = {k: v for k, v in bare.items() if k != "flows"}
    data = {
        "variants": {"a": variant, "b": variant},
        "differences": {"b": {}},
        "baseline": "a",
        "paired": False,
        "seed": 1,
        "replications": 2,
        "provenance": {"scenarios": {}, "regimes": {}, "created": "2019-01-01T00:00:00+00:00"},
    }
    assert report_html.comparison_pictures(data) == []
    page = report_html.comparison_page(data, [subject, attrs.evolve(subject, name="b")], [])
    words = " ".join(Markup(page).text)
    assert "The scenario has no chipmakers, so no one can run short." in words
    assert "No material needed an individual licence in the baseline." in words
    assert "unpaired, Welch's intervals" in words
