"""The HTML reports in a real headless browser: Debian's Chromium, started by the test itself.

The pages ``run --report`` and ``compare --report`` write are opened from disk with nothing
else reachable: each must load with no console error, ask for nothing but itself, draw every
figure (each ``<svg>`` has a size and more than one colour on screen) and not be blank. The test
is skipped, saying why, only where Chromium or the ``playwright`` driver is absent; ``.ci/run``
installs Chromium where it can.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from helpers import run
from matplotlib import image

ROOT = Path(__file__).resolve().parents[1]
ONE_FAB = ROOT / "tests" / "scenarios" / "one-fab.toml"
CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",  # the suite may run as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"no Chromium at {CHROMIUM}: Debian's package (apt-get install chromium) opens the reports",
)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A headless Chromium of its own, with a new empty profile, closed after the module."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright driver is not installed")
    with sync_api.sync_playwright() as driver:
        profile = tmp_path_factory.mktemp("chromium-profile")
        context = driver.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            headless=True,
            args=FLAGS,
            viewport={"width": 1280, "height": 900},
        )
        try:
            yield context
        finally:
            context.close()


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The run report of one-fab and its comparison with a 30-day-review world, as the CLI writes them."""
    folder = tmp_path_factory.mktemp("reports")
    quick = folder / "one-fab-quick.toml"
    text = ONE_FAB.read_text(encoding="utf-8").replace('id = "one-fab"', 'id = "one-fab-quick"')
    quick.write_text(text.replace("value = 90.0", "value = 30.0"), encoding="utf-8")
    commands = {"run": ["run", ONE_FAB], "compare": ["compare", ONE_FAB, quick]}
    for name, command in commands.items():
        result = run(*command, "--replications", "2", "--quiet", "--report", folder / f"{name}.html")
        assert result.exit_code == 0, result.output
    return {name: folder / f"{name}.html" for name in commands}


def colours(png: bytes) -> int:
    """How many distinct colours a PNG screenshot holds."""
    pixels = np.rint(image.imread(io.BytesIO(png), format="png")[..., :3] * 255).astype(np.uint32)
    packed = pixels[..., 0] << 16 | pixels[..., 1] << 8 | pixels[..., 2]
    return len(np.unique(packed))


@pytest.mark.parametrize(("name", "figures"), [("run", 2), ("compare", 4)])
def test_report_opens_and_draws_every_figure(
    browser: Any, reports: dict[str, Path], name: str, figures: int
) -> None:
    """The page loads with no console error or request but itself; each figure has a size and is drawn."""
    page = browser.new_page()
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))
    address = reports[name].resolve().as_uri()
    page.goto(address, wait_until="load")
    assert errors == []
    assert requests == [address]
    assert page.title()
    svgs = page.locator("figure svg")
    assert svgs.count() == figures == page.locator("svg").count()
    for n in range(figures):
        box = svgs.nth(n).bounding_box()
        assert box is not None
        assert box["width"] > 100
        assert box["height"] > 100
        assert colours(svgs.nth(n).screenshot()) > 8  # axes, text, bands: a blank box has one
    assert colours(page.screenshot(full_page=True)) > 8
    page.close()
