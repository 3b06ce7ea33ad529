"""HTML building blocks for the report pages: escaped text, tables, cells of statistics, the shell.

Kept apart from :mod:`~simulator.rendering.html`, which says what a page holds, so that the one
rule of the report's markup lives in one place: every string that came from a file or a result
is escaped here, and only markup built here from escaped parts (a :class:`Html`) passes through
as it is. Nothing here reads a clock or a file.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs


@attrs.frozen
class Html:
    """Markup already built from escaped parts, with a class for the table cell it fills."""

    markup: str
    css: str = ""


Cell = str | Html
"""A table cell: plain text (escaped when written) or markup built here."""


def escape(text: object) -> str:
    """``text`` as HTML text, quotes included (it may land in an attribute).

    >>> escape('<b title="x">&</b>')
    '&lt;b title=&quot;x&quot;&gt;&amp;&lt;/b&gt;'
    """
    return html.escape(str(text), quote=True)


def element(tag: str, body: str, **attributes: str) -> str:
    """``<tag ...>body</tag>`` with the attributes escaped; ``body`` is markup already.

    >>> element("p", "a &amp; b", css="note")
    '<p class="note">a &amp; b</p>'
    """
    attrs_text = "".join(
        f' {"class" if name == "css" else name.replace("_", "-")}="{escape(value)}"'
        for name, value in attributes.items()
        if value
    )
    return f"<{tag}{attrs_text}>{body}</{tag}>"


def text(tag: str, content: object, **attributes: str) -> str:
    """An element holding ``content`` as escaped text."""
    return element(tag, escape(content), **attributes)


def section(anchor: str, heading: str, *parts: str) -> str:
    """A section with its id, an ``<h2>`` heading (escaped) and markup parts."""
    return element("section", "\n".join([text("h2", heading), *parts]), id=anchor)


def table(header: Sequence[Cell], rows: Iterable[Sequence[Cell]], caption: str = "") -> str:
    """A table in a scrolling box; plain-text cells are escaped, :class:`Html` cells kept."""
    head = element("tr", "".join(_cell("th", c) for c in header))
    body = "\n".join(element("tr", "".join(_cell("td", c) for c in row)) for row in rows)
    titled = text("caption", caption) if caption else ""
    inner = element("table", f"{titled}<thead>{head}</thead>\n<tbody>\n{body}\n</tbody>")
    return element("div", inner, css="wide")


def _cell(tag: str, cell: Cell) -> str:
    if isinstance(cell, Html):
        return element(tag, cell.markup, css=cell.css)
    return text(tag, cell)


def definitions(pairs: Iterable[tuple[str, Cell]]) -> str:
    """A definition list of (term, value) pairs, leaving out empty values."""
    items = [
        text("dt", term) + element("dd", value.markup if isinstance(value, Html) else escape(value))
        for term, value in pairs
        if value not in ("", None)
    ]
    return element("dl", "".join(items))


def details(summary: str, body: str, *, opened: bool = False) -> str:
    """A ``<details>`` box: its summary (escaped) and markup, shown when opened."""
    return f"<details{' open' if opened else ''}>{text('summary', summary)}{body}</details>"


def heading_cell(label: str, key: str, css: str = "") -> Html:
    """A heading in words, with the metric's key (as in the JSON) beneath it."""
    return Html(f"{escape(label)}<br>{text('span', key, css='key')}", css)


def numeric(label: str) -> Html:
    """The heading of a column of figures, aligned with them."""
    return Html(escape(label), "num")


def date(day: dt.date | None) -> Html:
    """A day as YYYY-MM-DD, kept on one line; empty for none."""
    return Html(escape(day.isoformat()) if day else "", "date")


_URL = re.compile(r"https?://[^\s<>\"']+")


def linked(source: str) -> Html:
    """A source or citation as text, its web addresses as links (a reader's, never loaded).

    >>> linked("KITA (https://a.example/?a=1&b=2); p.3").markup
    'KITA (<a href="https://a.example/?a=1&amp;b=2" rel="noreferrer">https://a.example/?a=1&amp;b=2</a>); p.3'
    """
    parts, last = [], 0
    for match in _URL.finditer(source):
        address = match.group().rstrip(".,;:)")
        end = match.start() + len(address)
        parts += [
            escape(source[last : match.start()]),
            element("a", escape(address), href=address, rel="noreferrer"),
        ]
        last = end
    parts.append(escape(source[last:]))
    return Html("".join(parts))


def number(value: float) -> str:
    """A figure as the text tables show it: three decimals below 1, one above.

    >>> number(0.12345), number(-12.34), number(1234.5)
    ('0.123', '-12.3', '1,234.5')
    """
    return f"{value:,.3f}" if abs(value) < 1 else f"{value:,.1f}"


def statistic(stats: Mapping[str, Any], scale: float = 1.0, *, sign: str = "", mark: str = "") -> Html:
    """A mean with its 95% interval beneath it (none when it is a point); "n/a" without a mean.

    ``sign`` and ``mark`` (markup) go before and after the mean.
    """
    if stats.get("mean") is None:
        return Html(text("span", "n/a", css="na"), "num")
    mean = stats["mean"] * scale
    shown = f"{sign}{escape(number(mean))}{mark}"
    ci = stats.get("ci95")
    if not ci or abs(ci[1] - ci[0]) * scale < 1e-9 * max(1.0, abs(mean)):
        return Html(shown, "num")
    low, high = (v * scale for v in ci)
    return Html(f"{shown} {text('span', f'[{number(low)}, {number(high)}]', css='ci')}", "num")


def difference(stats: Mapping[str, Any], scale: float = 1.0) -> Html:
    """A difference from the baseline: signed, marked ``*`` and in bold where its interval excludes zero."""
    sign = "+" if (stats.get("mean") or 0) > 0 else ""
    if not stats.get("excludes_zero"):
        return statistic(stats, scale, sign=sign)
    mark = text("span", "*", css="mark", title="the 95% interval excludes zero")
    return attrs.evolve(statistic(stats, scale, sign=sign, mark=mark), css="num excludes-zero")


_STYLE = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1f24;
  background: #fff; margin: 0 auto; max-width: 1180px; padding: 1.5rem 2rem 4rem; }
h1 { font-size: 1.6rem; margin: 0 0 .3rem; }
h2 { font-size: 1.25rem; margin: 2.2rem 0 .6rem; padding-bottom: .2rem; border-bottom: 2px solid #d0d7de; }
h3 { font-size: 1.05rem; margin: 1.4rem 0 .4rem; }
p.lead { color: #57606a; margin: 0 0 1rem; }
blockquote.question { font-size: 1.1rem; margin: .4rem 0; padding: .6rem 1rem; background: #f6f8fa;
  border-left: 4px solid #0969da; }
div.wide { overflow-x: auto; margin: .4rem 0 1rem; }
table { border-collapse: collapse; font-size: .88rem; }
caption { text-align: left; font-weight: 600; padding: .2rem 0; }
th, td { padding: .3rem .6rem; border-bottom: 1px solid #d8dee4; vertical-align: top; text-align: left; }
th { background: #f6f8fa; font-weight: 600; }
tbody tr:nth-child(even) { background: #fbfcfd; }
td.date { white-space: nowrap; }
th.num { text-align: right; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
span.ci { display: block; color: #57606a; font-size: .8rem; }
span.key { color: #6e7781; font-weight: normal; font-family: ui-monospace, monospace; font-size: .75rem; }
span.na { color: #8c959f; }
td.excludes-zero { font-weight: 700; background: #fff8c5; }
span.mark { color: #9a6700; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: .4rem 0 1rem; }
dt { font-weight: 600; color: #424a53; }
dd { margin: 0; overflow-wrap: anywhere; }
pre.notes { white-space: pre-wrap; background: #f6f8fa; padding: .6rem .8rem; font-size: .82rem;
  border-radius: 4px; }
figure { margin: 1rem 0 2rem; }
figure svg { display: block; max-width: 100%; height: auto; border: 1px solid #eaeef2; }
figcaption { color: #57606a; font-size: .88rem; margin-top: .3rem; }
details { margin: .6rem 0; }
summary { cursor: pointer; font-weight: 600; }
p.note, footer { color: #57606a; font-size: .85rem; }
a { color: #0969da; overflow-wrap: anywhere; }
"""


def page(title: str, lead: str, sections: Iterable[str], footer: str) -> str:
    """The whole HTML document: inline style, no scripts, nothing loaded from elsewhere."""
    body = "\n".join([text("h1", title), text("p", lead, css="lead"), *sections, element("footer", footer)])
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"{text('title', title)}\n<style>{_STYLE}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )
