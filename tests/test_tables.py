"""Text tables hold any names: no line wider than the page, every name whole, every column in place.

The property tests read a table back from its text: the rule of hyphens under the header
gives each column's extent, rows are one line each or, once a cell wraps, blocks between
blank lines, and a cell's text is what its column holds across the lines of its row.
"""

from __future__ import annotations

import itertools
from pathlib import Path

from helpers import run
from hypothesis import given
from hypothesis import strategies as st

from simulator.rendering.tables import GAP, WIDTH, table_text

SCENARIOS = Path(__file__).parent / "scenarios"
REGIMES = Path(__file__).parent / "regimes"


def extents(rule: str) -> list[tuple[int, int]]:
    """The columns under a rule of hyphens: (start, end) of each run of hyphens."""
    spans, start = [], None
    for n, char in enumerate(f"{rule} "):
        if char == "-" and start is None:
            start = n
        elif char != "-" and start is not None:
            spans.append((start, n))
            start = None
    return spans


def read_table(text: str, rows: int) -> tuple[list[tuple[int, int]], list[str], list[list[str]]]:
    """A table's column extents, headers and, per row, cells: the text with whitespace removed."""
    lines = text.splitlines()
    rule = next(n for n, line in enumerate(lines) if line.strip() and set(line) <= {"-", " "})
    spans = extents(lines[rule])
    headers = ["".join("".join(line[s:e].split()) for line in lines[:rule]) for s, e in spans]
    blocks: list[list[str]] = [[]]
    for line in lines[rule + 1 :]:
        if line:
            blocks[-1].append(line)
        else:
            blocks.append([])
    if len(blocks) == 1 and rows > 1:  # nothing wrapped: a line a row
        blocks = [[line] for line in blocks[0]]
    cells = [["".join("".join(line[s:e].split()) for line in block) for s, e in spans] for block in blocks]
    return spans, headers, cells


def gaps_are_blank(text: str, spans: list[tuple[int, int]]) -> bool:
    """Whether, on every line, nothing stands between two columns."""
    between = [n for (_, end), (start, _) in itertools.pairwise(spans) for n in range(end, start)]
    return all(line[n] == " " for line in text.splitlines() for n in between if n < len(line))


_names = st.text(alphabet="abcxyz_", min_size=1, max_size=30)
_cells = st.text(alphabet="abcxyz-_.[],0123456789 ", min_size=1, max_size=50).filter(
    lambda s: s.strip() == s and "  " not in s
)


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[str], list[str], list[list[str]]]:
    """Headers of key and figure columns and rows of cells of any length."""
    keys = draw(st.lists(_names, min_size=1, max_size=3))
    figures = draw(st.lists(_names, max_size=4))
    width = len(keys) + len(figures)
    rows = draw(st.lists(st.lists(_cells, min_size=width, max_size=width), min_size=1, max_size=6))
    return keys, figures, rows


@given(tables(), st.integers(min_value=24, max_value=160))
def test_every_cell_reads_whole_within_the_width(
    table: tuple[list[str], list[str], list[list[str]]], width: int
) -> None:
    """Any cells at any width: no line is wider, and each cell's text reads back whole from its column."""
    keys, figures, rows = table
    text = table_text(keys, figures, rows, width=width)
    assert max(len(line) for line in text.splitlines()) <= width
    spans, headers, read = read_table(text, len(rows))
    assert headers == keys + figures
    assert read == [["".join(cell.split()) for cell in row] for row in rows]
    assert gaps_are_blank(text, spans)


@given(tables())
def test_a_table_that_fits_is_one_line_a_row_and_cuts_no_word(
    table: tuple[list[str], list[str], list[list[str]]],
) -> None:
    """At a width that holds every cell, each row is one line with each cell's text as given."""
    keys, figures, rows = table
    columns = list(zip(keys + figures, *rows, strict=True))
    room = sum(max(len(cell) for cell in column) for column in columns) + GAP * (len(columns) - 1)
    lines = table_text(keys, figures, rows, width=room).splitlines()
    spans = extents(lines[1])
    assert len(lines) == 2 + len(rows)
    assert [[line[s:e].strip() for s, e in spans] for line in lines[2:]] == rows


def test_figures_give_way_before_names() -> None:
    """When the page is narrow the figures wrap at their spaces and the names stay whole on one line."""
    rows = [["a-13-char-id1", "hydrogen-fluoride-liquid", "80.3 [73.2, 87.5]", "0.125 [0.114, 0.136]"]]
    text = table_text(["chipmaker", "material"], ["stockout_days", "loss"], rows, width=68)
    assert text.splitlines()[2].startswith("a-13-char-id1  hydrogen-fluoride-liquid  ")
    assert max(len(line) for line in text.splitlines()) <= 68
    assert "80.3 [73.2, 87.5]" not in text  # wrapped: the mean above its interval


def test_an_indented_table_keeps_its_indent_within_the_width() -> None:
    """Every line of an indented table starts with the indent and ends within the width."""
    rows = [["2019-07-04", "an-individual-licence-for-listed-items " * 3]]
    lines = table_text(["from", "licence"], [], rows, width=50, indent=2).splitlines()
    assert all(line.startswith("  ") and len(line) <= 50 for line in lines if line)


def test_cells_are_text_never_markup() -> None:
    """Square brackets in a name or an interval are printed as they are, not read as rich markup."""
    text = table_text(["name"], ["ci"], [["[bold]fab[/bold]", "[1.0, 2.0]"]], width=WIDTH)
    assert "[bold]fab[/bold]" in text
    assert "[1.0, 2.0]" in text
    assert "\x1b" not in text


def test_a_table_without_rows_is_its_header_and_rule() -> None:
    """No rows (a world without chipmakers) and an empty header still give a header line and a rule."""
    assert table_text(["responses", ""], ["shock_stock_days"], []).splitlines() == [
        "responses     shock_stock_days",
        "---------- -- ----------------",
    ]


# ---------------------------------------------------------------- the CLI's tables, long names


def long_names(tmp_path: Path, scenario_id: str = "one-fab") -> Path:
    """one-fab.toml with a 13-character chipmaker, a 31-character material and a long supplier id."""
    text = (SCENARIOS / "one-fab.toml").read_text(encoding="utf-8")
    for old, new in (
        ('id = "fab"', 'id = "chipmaker-013"'),
        ('id = "photoresist"', 'id = "photoresist-for-euv-lithography"'),
        ('material = "photoresist"', 'material = "photoresist-for-euv-lithography"'),
        ('"maker"', '"a-supplier-with-a-long-name-inc"'),
        ('id = "one-fab"', f'id = "{scenario_id}"'),
    ):
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / f"{scenario_id}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_run_tables_keep_long_names_in_their_columns(tmp_path: Path) -> None:
    """A 13-character chipmaker stands apart from its material, which starts under 'material'.

    The long names change no figure: each row's cells after the names are those of one-fab.toml's.
    """
    result = run("run", long_names(tmp_path), "--replications", "2")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= WIDTH
    header = next(line for line in lines if line.startswith("chipmaker"))
    row = next(line for line in lines if line.startswith("chipmaker-013 "))
    assert row.index("photoresist-for-euv-lithography") == header.index("material")
    short = run("run", SCENARIOS / "one-fab.toml", "--replications", "2").stdout.splitlines()
    for long_name, short_name, names in (
        ("chipmaker-013 ", "fab ", 2),
        ("a-supplier-with-a-long-name-inc ", "maker ", 1),
        ("photoresist-for-euv-lithography ", "photoresist ", 1),
    ):
        long_rows = [line.split()[names:] for line in lines if line.startswith(long_name)]
        short_rows = [line.split()[names:] for line in short if line.startswith(short_name)]
        assert long_rows == short_rows
        assert long_rows


def test_compare_prints_long_variant_names_whole(tmp_path: Path) -> None:
    """Variant names of 40 characters read whole from their wrapped headers; no line is wider than allowed."""
    names = ["the-first-variant-with-a-forty-char-name", "the-other-variant-with-a-forty-char-name"]
    result = run("compare", *(long_names(tmp_path, n) for n in names), "--replications", "2", "--quiet")
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.stdout.splitlines()) <= WIDTH
    table = result.stdout.split("\n\n", 1)[1].rsplit("\n\ncells:", 1)[0]
    spans, headers, rows = read_table(table, 5)
    assert headers == ["chipmaker", "material", "metric", *names]
    assert [row[:3] for row in rows] == [
        ["chipmaker-013", "photoresist-for-euv-lithography", metric]
        for metric in ("stockout_days", "production_loss_fraction", "tts_days", "ttr_days", "tts_lt_ttr")
    ]
    assert gaps_are_blank(table, spans)


def test_compare_names_that_fit_stay_on_one_line(tmp_path: Path) -> None:
    """Variant names of 32 characters, longer than the 24 the table once cut them to, head their columns."""
    names = ["variant-name-of-thirty-two-chars", "other-name-of-thirty-two-letters"]
    text = (SCENARIOS / "one-fab.toml").read_text(encoding="utf-8")
    paths = [tmp_path / f"{name}.toml" for name in names]
    for name, path in zip(names, paths, strict=True):
        path.write_text(text.replace('id = "one-fab"', f'id = "{name}"'), encoding="utf-8")
    result = run("compare", *paths, "--replications", "2", "--quiet")
    assert result.exit_code == 0, result.output
    header = next(line for line in result.stdout.splitlines() if line.startswith("chipmaker"))
    assert header.split() == ["chipmaker", "material", "metric", *names]


def test_timeline_keeps_its_columns_past_twenty_characters(tmp_path: Path) -> None:
    """A 38-character licence and a 40-character measure: every row's columns start under their headers."""
    text = (REGIMES / "listed-later.toml").read_text(encoding="utf-8")
    text = text.replace('"individual"', '"an-individual-licence-for-listed-items"')
    text = text.replace('"m18"', '"2025-04-04-announcement-18-lists-terbium"')
    regime = tmp_path / "long.toml"
    regime.write_text(text, encoding="utf-8")
    result = run("regime", "timeline", "--item", "terbium", "--to", "JP", "--regime", regime)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    header = lines[1]
    rows = [line for line in lines[3:] if line.startswith("  20")]
    assert len(rows) >= 3
    for row in rows:
        for column in ("until", "licence", "measure"):  # no measure of this regime was announced
            start = header.index(column)
            assert row[start - 2 : start] == "  ", (column, row)
            assert row[start] != " ", (column, row)
    assert any("an-individual-licence-for-listed-items" in row for row in rows)
    assert any(row.endswith("2025-04-04-announcement-18-lists-terbium") for row in rows)
