"""The fan chart reads at any horizon: measures numbered above the band, keyed in full, dates uncrowded.

Each test draws the figure and measures where matplotlib put each text, in display units.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pytest

from simulator.rendering import plots

START = dt.date(2019, 6, 20)
MEASURES = [
    {"id": "2019-07-04-three-items-individual", "date": "2019-07-04"},
    {"id": "2019-08-28-korea-to-group-b", "date": "2019-08-28"},
    {"id": "2019-12-20-resist-specific-bulk", "date": "2019-12-20"},
    {"id": "2023-03-23-three-items-special-general-bulk", "date": "2023-03-23"},
    {"id": "a-measure-without-its-date-in-its-name", "date": "2024-05-01"},
    {"id": "after-the-horizon", "date": "2060-01-01"},
]


def series(days: int, panels: int = 3) -> dict[tuple[str, str], np.ndarray]:
    """Stocks of ``panels`` plants over ``days`` days, 5 replications, with a band that fills its panel."""
    rng = np.random.default_rng(7)
    return {
        (f"chipmaker-{n:03d}", "hydrogen-fluoride-liquid"): 100 + rng.normal(0, 20, (5, days))
        for n in range(panels)
    }


@pytest.fixture(scope="module")  # drawn once per horizon: drawing takes a second
def drawn(request: pytest.FixtureRequest) -> Iterator[Any]:
    """The fan chart of ``series(days)`` with MEASURES, drawn (so every text has its place)."""
    days = request.param
    figure = plots.inventory_figure(series(days), START, MEASURES)
    figure.canvas.draw()
    yield figure
    plt.close(figure)


HORIZONS = [31, 365, 730, 3653]


def inside(box: Any, outer: Any) -> bool:
    """Whether ``box`` lies within ``outer`` (a pixel of rounding allowed)."""
    return (
        box.x0 >= outer.x0 - 1
        and box.x1 <= outer.x1 + 1
        and box.y0 >= outer.y0 - 1
        and box.y1 <= outer.y1 + 1
    )


def panels(figure: Any) -> list[Any]:
    """The figure's visible panels (a grid of three leaves the fourth hidden)."""
    return [ax for ax in figure.axes if ax.get_visible()]


def ticks(ax: Any) -> list[Any]:
    """The tick labels matplotlib draws: those within the panel's limits."""
    (x0, x1), (y0, y1) = sorted(ax.get_xlim()), sorted(ax.get_ylim())
    return [
        *(t for t in ax.get_xticklabels() if t.get_text() and x0 <= t.get_position()[0] <= x1),
        *(t for t in ax.get_yticklabels() if t.get_text() and y0 <= t.get_position()[1] <= y1),
    ]


def numbers(ax: Any) -> list[Any]:
    """The measures' numbers drawn in a panel."""
    return [text for text in ax.texts if text.get_text().isdigit()]


@pytest.mark.parametrize("drawn", HORIZONS, indirect=True)
def test_measure_numbers_sit_in_their_panel_above_the_band(drawn: Any) -> None:
    """Every measure within the horizon is numbered inside its panel, wholly above the band's top."""
    renderer = drawn.canvas.get_renderer()
    for ax in panels(drawn):
        band_top = max(np.max(c.get_paths()[0].vertices[:, 1]) for c in ax.collections)
        band_top_px = ax.transData.transform((0, band_top))[1]
        labels = numbers(ax)
        assert labels
        for label in labels:
            box = label.get_bbox_patch().get_window_extent(renderer)
            assert inside(box, ax.get_window_extent(renderer)), label.get_text()
            assert box.y0 > band_top_px, label.get_text()


@pytest.mark.parametrize("drawn", HORIZONS, indirect=True)
def test_numbers_in_a_row_do_not_overlap(drawn: Any) -> None:
    """No two measure numbers of a panel overlap, even measures 55 days apart on a ten-year chart."""
    renderer = drawn.canvas.get_renderer()
    for ax in panels(drawn):
        boxes = [label.get_bbox_patch().get_window_extent(renderer) for label in numbers(ax)]
        for a, b in itertools.combinations(boxes, 2):
            assert not a.overlaps(b)


@pytest.mark.parametrize("drawn", HORIZONS, indirect=True)
def test_every_text_is_inside_the_figure(drawn: Any) -> None:
    """Titles, tick labels and the key lie wholly within the figure: nothing is cut at its edge."""
    renderer = drawn.canvas.get_renderer()
    frame = drawn.bbox
    texts = [*drawn.texts, *drawn.legends]
    for ax in panels(drawn):
        texts += [ax.title, ax.yaxis.label, *ticks(ax), *ax.texts]
    for text in texts:
        assert inside(text.get_window_extent(renderer), frame), text


@pytest.mark.parametrize("drawn", HORIZONS, indirect=True)
def test_date_labels_are_few_and_apart(drawn: Any) -> None:
    """At any horizon up to ten years the date axis has 3 to 9 labels, none overlapping the next."""
    renderer = drawn.canvas.get_renderer()
    ax = panels(drawn)[-1]
    labels = [t for t in ticks(ax) if t in ax.get_xticklabels()]
    assert 3 <= len(labels) <= 9
    boxes = sorted((t.get_window_extent(renderer) for t in labels), key=lambda b: b.x0)
    assert all(a.x1 < b.x0 for a, b in itertools.pairwise(boxes))


@pytest.mark.parametrize("drawn", [3653], indirect=True)
def test_the_key_names_each_measure_in_full(drawn: Any) -> None:
    """The key names each measure within the horizon by its whole id, its date added when the id lacks it."""
    (legend,) = drawn.legends
    named = ["".join(text.get_text().split()) for text in legend.get_texts()]  # wrapped at spaces or hyphens
    assert named == [
        "10-90%ofreplications",
        "median",
        "2019-07-04-three-items-individual",
        "2019-08-28-korea-to-group-b",
        "2019-12-20-resist-specific-bulk",
        "2023-03-23-three-items-special-general-bulk",
        "a-measure-without-its-date-in-its-name(2024-05-01)",
    ]
    assert [text.get_text() for text in numbers(drawn.axes[0])] == ["1", "2", "3", "4", "5"]


@pytest.mark.parametrize("drawn", [730], indirect=True)
def test_a_panel_above_an_empty_place_shows_its_dates(drawn: Any) -> None:
    """With three panels in two columns, the right column's one panel carries the date labels."""
    right = panels(drawn)[1]
    assert [t.get_text() for t in right.get_xticklabels() if t.get_visible() and t.get_text()]
    assert right.xaxis.get_tick_params()["labelbottom"]
