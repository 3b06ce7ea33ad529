"""Text tables that hold whatever names they are given, rendered by rich to a fixed width.

Columns aligned by hand (``f"{name:<13}"``) ran into each other as soon as an id was longer
than the guess. Here every cell is measured first: when a table is wider than the page, the
figure columns give way first (their cells wrap at spaces), then the text columns, and a
word is folded only when a column cannot hold it, never cut, so each name appears whole
across the lines of its cell and every column keeps its place. rich lays out the cells at
those widths. A table that wraps gets a blank line between its rows, so that each row still
reads as one. The text is rendered to a string at a fixed width, with no colour, no markup
read from the cells and an ASCII rule of hyphens under the header: deterministic, testable,
and it pastes anywhere.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Iterable, Sequence

from rich import box
from rich.cells import cell_len
from rich.console import Console, JustifyMethod
from rich.table import Table
from rich.text import Text

WIDTH = 120
"""The width, in characters, that text tables and reports are rendered to."""

GAP = 2
"""Spaces between two columns."""

_RULED = box.Box(
    "    \n"  # top (not drawn: no edge)
    "    \n"  # header cells, separated by a space
    " -  \n"  # under the header: hyphens over each column, a space between columns
    "    \n"  # between rows (with show_lines): a blank line
    "    \n"
    " -  \n"
    "    \n"
    "    \n",
    ascii=True,
)


def table_text(
    keys: Sequence[str],
    figures: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    width: int = WIDTH,
    indent: int = 0,
) -> str:
    """Return a table as text no wider than ``width``: key columns to the left, figures to the right.

    Args:
        keys: headers of the leading columns (names, dates), justified left.
        figures: headers of the following columns (numbers), justified right.
        rows: one sequence of cells per row, keys first; cells are plain text, never markup.
        width: the widest a line may be, the indent included.
        indent: spaces before every line.

    Returns:
        The table, lines without trailing spaces, no final newline.

    >>> print(table_text(["name"], ["stock_t"], [["fab", "1.5"]]))
    name  stock_t
    ----- -------
    fab       1.5
    """
    body = [list(row) for row in rows]
    columns = [*keys, *figures]
    widths = _widths(columns, body, len(keys), width - indent)
    headers = _wrapped(columns, widths)
    cells = [_wrapped(row, widths) for row in body]
    text = _render(headers, len(keys), cells, widths, separated=any("\n" in c for row in cells for c in row))
    return "\n".join(" " * indent + line if line else line for line in text.splitlines())


def _wrapped(row: Sequence[str], widths: Sequence[int]) -> list[str]:
    """Each cell's text broken into lines of its column's width: at spaces, or within a longer word."""
    return [
        "\n".join(textwrap.wrap(cell, width, break_on_hyphens=False) or [""])
        for cell, width in zip(row, widths, strict=True)
    ]


def _widths(headers: Sequence[str], body: list[list[str]], keys: int, room: int) -> list[int]:
    """Each column's width: its widest cell, narrowed to fit ``room`` figures first, words last."""
    cells = [[header, *(row[n] for row in body)] for n, header in enumerate(headers)]
    widths = [max(1, *(cell_len(cell) for cell in column)) for column in cells]  # rich needs 1
    words = [max(cell_len(word) for cell in column for word in [*cell.split(), ""]) for column in cells]
    excess = sum(widths) + GAP * (len(widths) - 1) - room
    figures, everything = range(keys, len(widths)), range(len(widths))
    for chosen, floors in ((figures, words), (everything, words), (everything, [1] * len(widths))):
        excess = _narrow(widths, floors, chosen, excess)
    return widths


def _narrow(widths: list[int], floors: Sequence[int], chosen: range, excess: int) -> int:
    """Take ``excess`` width from the widest of ``chosen`` above their floors; return what is left."""
    while excess > 0:
        open_ = [n for n in chosen if widths[n] > floors[n]]
        if not open_:
            break
        widest = max(open_, key=lambda n: (widths[n], -n))
        widths[widest] -= 1
        excess -= 1
    return excess


def _render(
    headers: Sequence[str], keys: int, body: list[list[str]], widths: list[int], *, separated: bool
) -> str:
    table = Table(
        box=_RULED,
        show_edge=False,
        pad_edge=False,
        padding=(0, GAP - 1, 0, 0),
        header_style=None,
        show_lines=separated,
    )
    for n, (header, width) in enumerate(zip(headers, widths, strict=True)):
        justify: JustifyMethod = "left" if n < keys else "right"
        table.add_column(Text(header), justify=justify, overflow="fold", width=width)
    for row in body:
        table.add_row(*(Text(cell) for cell in row))
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=sum(widths) + GAP * len(widths),
        color_system=None,
        force_terminal=False,
        force_jupyter=False,
        no_color=True,
        markup=False,
        emoji=False,
        highlight=False,
        legacy_windows=False,
    )
    console.print(table)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines())
