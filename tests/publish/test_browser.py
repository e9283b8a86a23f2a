"""The leaderboard page in headless Chromium: it renders the models, header clicks and
``#sort=`` reorder the rows, nothing is fetched from the network, and the screenshot is not blank."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from harness.publish.html import render
from harness.publish.leaderboard import build
from tests.publish.cdp import FLAGS, Browser
from tests.publish.runs import write_run

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BOARD = "table.board tbody tr"
ORDER = f"Array.from(document.querySelectorAll('{BOARD}')).map(r => r.dataset.model)"


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    tmp = tmp_path_factory.mktemp("page")
    runs = [write_run(tmp / "a", "alpha", {"p1": (2, 1), "p2": (2, 1)}),  # pass@1 0.5
            write_run(tmp / "b", "beta", {"p1": (2, 2), "p2": (2, 2)}),  # 1.0
            write_run(tmp / "g", "gamma", {"p1": (2, 0), "p2": (2, 0)},  # 0.0
                      status_counts={"fail": 2, "syntax_error": 2})]
    path = tmp / "leaderboard.html"
    path.write_text(render(build(runs).doc))
    return path


def test_clicks_and_hash_sort_rows_and_nothing_is_fetched(page: Path, tmp_path: Path) -> None:
    from PIL import Image, ImageStat

    assert CHROMIUM is not None
    browser = Browser(CHROMIUM, tmp_path / "profile")
    try:
        url = page.as_uri()
        browser.open(url)
        assert browser.eval(ORDER) == ["beta", "alpha", "gamma"]  # default: pass@1, best first
        assert browser.eval("document.querySelectorAll('svg.heatmap rect').length") == 6
        browser.click('table.board th[data-key="model"]')
        assert browser.eval(ORDER) == ["alpha", "beta", "gamma"]
        browser.click('table.board th[data-key="model"]')
        assert browser.eval(ORDER) == ["gamma", "beta", "alpha"]
        browser.click('table.board th[data-key="pass@1"]')
        assert browser.eval(ORDER) == ["beta", "alpha", "gamma"]
        assert browser.eval("document.querySelector('table.board th[data-key=\"pass@1\"]')"
                            ".getAttribute('aria-sort')") == "descending"
        browser.navigate(url + "#sort=pass@1:asc")
        assert browser.eval(ORDER) == ["gamma", "alpha", "beta"]
        png = browser.screenshot()
        requested = [e["params"]["request"]["url"] for e in browser.events
                     if e["method"] == "Network.requestWillBeSent"]
    finally:
        browser.close()
    assert requested and all(u.startswith(("file:", "data:", "about:")) for u in requested), requested
    image = Image.open(io.BytesIO(png)).convert("L")
    assert image.size[0] >= 800
    assert ImageStat.Stat(image).stddev[0] > 10  # not a blank page
    assert len(image.getcolors(maxcolors=1 << 16) or []) > 20


def test_dump_dom_sorted_by_url_hash(page: Path, tmp_path: Path) -> None:
    assert CHROMIUM is not None
    proc = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
                           page.as_uri() + "#sort=model:asc"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    board = proc.stdout.split('class="sortable board"', 1)[1]
    assert re.findall(r'<tr data-model="([^"]+)"', board) == ["alpha", "beta", "gamma"]
    assert 'aria-sort="ascending"' in board
