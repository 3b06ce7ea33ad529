"""The docs stand alone: every file the docs, scenarios and regimes cite ships with the project.

Citations were once to files outside the repository (the domain notes now in docs/sources/);
a reader of a checkout, or of an installed package's regimes, could not follow them.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CITING = sorted(
    [
        ROOT / "README.md",
        *ROOT.glob("docs/*.md"),
        *ROOT.glob("scenarios/*.md"),
        *ROOT.glob("scenarios/*.toml"),
        *ROOT.glob("simulator/regimes/*.toml"),
        *ROOT.glob("tests/regimes/*.toml"),
        *ROOT.glob("tests/scenarios/*.toml"),
    ]
)
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_URL = re.compile(r"[a-z][a-z0-9+.-]*://\S+")
_PATH = re.compile(
    r"(?<![\w/.~$-])((?:\.\.?/)*(?:[\w-]+/)+[\w.-]*\w\.(?:md|toml|csv|json|py|txt|png|svg|html))\b"
)
"""A relative path with at least one folder and a file ending, as text cites one: docs/model.md."""


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


def links(text: str) -> Iterator[str]:
    """The local targets of markdown links and images, without their #fragments."""
    for target in _LINK.findall(text):
        if not re.match(r"[a-z][a-z0-9+.-]*:", target) and not target.startswith("#"):
            yield target.split("#")[0]


def paths(text: str) -> Iterator[str]:
    """The relative file paths a text names, URLs left out."""
    yield from _PATH.findall(_URL.sub("", text))


def test_the_path_pattern_finds_cited_files_and_skips_urls() -> None:
    """A path in a comment or a source string is found; a URL's path and a bare file name are not."""
    text = (
        'source = "docs/sources/japan-2019.md §3; https://example.org/a/b.md; see one-fab.toml" # ../x/y.toml'
    )
    assert list(paths(text)) == ["docs/sources/japan-2019.md", "../x/y.toml"]
    assert list(links("[a](docs/a.md#part) [b](https://x.org/b.md) [c](#top) ![d](figures/d.png)")) == [
        "docs/a.md",
        "figures/d.png",
    ]


@pytest.mark.parametrize("path", [p for p in CITING if p.suffix == ".md"], ids=_name)
def test_every_markdown_link_resolves(path: Path) -> None:
    """Each local link or image in a markdown file names a file or folder beside it that exists."""
    missing = [
        target for target in links(path.read_text(encoding="utf-8")) if not (path.parent / target).exists()
    ]
    assert missing == []


@pytest.mark.parametrize("path", CITING, ids=_name)
def test_every_cited_path_ships(path: Path) -> None:
    """Each relative path a file names (in prose, comments or source strings) exists in the repository.

    A path is taken from the repository root, as the docs write them, or from the citing file.
    """
    text = path.read_text(encoding="utf-8")
    missing = [p for p in paths(text) if not (ROOT / p).exists() and not (path.parent / p).exists()]
    assert missing == []


def _strings(tree: object, key: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(tree, dict):
        for name, value in tree.items():
            yield from _strings(value, name)
    elif isinstance(tree, list):
        for value in tree:
            yield from _strings(value, key)
    elif isinstance(tree, str):
        yield key, tree


@pytest.mark.parametrize("path", [p for p in CITING if p.suffix == ".toml"], ids=_name)
def test_every_source_field_that_names_a_file_names_a_shipped_one(path: Path) -> None:
    """Each ``source`` or ``citation`` of a scenario or regime naming a local file names one that ships."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    cited = [p for key, value in _strings(data) if key in {"source", "citation"} for p in paths(value)]
    assert [p for p in cited if not (ROOT / p).exists()] == []


@pytest.mark.parametrize("name", ["japan-2019.md", "china-2025.md"])
def test_the_sources_ship_with_a_header_saying_what_they_are(name: str) -> None:
    """Each shipped source opens with a one-line note of what it is and who cites it, then the notes."""
    lines = (ROOT / "docs" / "sources" / name).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("> The sources behind exportsim's")
    assert lines[1] == ""
    assert lines[2].startswith("# Domain brief: ")
