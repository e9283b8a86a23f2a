"""The leaderboard page at 1400 px in headless Chromium: no label clipped, no table wider than the
viewport without a frozen first column, distinct labels for runs that differ in one setting."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from harness.publish.html import render
from harness.publish.leaderboard import build
from tests.publish.cdp import Browser
from tests.publish.runs import write_run

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
LONG = "openai:meta-llama/Llama-3.1-70B-Instruct-Turbo-served-by-a-long-named-endpoint"
STAT = {"mean": 0.5, "stderr": 0.1, "ci95": [0.2, 0.8], "n": 4}

# every table wider than its box must freeze its first column
TABLES = """Array.from(document.querySelectorAll('table')).filter(t => t.offsetParent !== null).map(t => {
  const box = t.parentElement.getBoundingClientRect(), r = t.getBoundingClientRect();
  const wide = r.width > box.width + 1 || r.right > innerWidth;
  const sticky = getComputedStyle(t.rows[0].cells[0]).position === 'sticky';
  return {wide, sticky, scrolls: t.parentElement.scrollWidth > t.parentElement.clientWidth};
})"""
# every label of a chart lies inside its chart (rotated column names of the heat map aside)
CLIPPED = """Array.from(document.querySelectorAll('svg')).flatMap(svg => {
  const w = svg.width.baseVal.value;
  return Array.from(svg.querySelectorAll('text')).filter(t => !t.getAttribute('transform')).map(t => {
    const b = t.getBBox(); return (b.x < -0.5 || b.x + b.width > w + 0.5) ? t.textContent : null;
  }).filter(x => x !== null);
})"""
LABELS = """Array.from(document.querySelectorAll('svg.bars')).map(svg =>
  Array.from(svg.querySelectorAll('text[text-anchor=end]')).map(t => t.textContent))"""


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    tmp = tmp_path_factory.mktemp("layout")
    wide = {f"family_metric_{i:02d}_with_a_long_name": STAT for i in range(18)}
    runs = [write_run(tmp / "a", LONG, {"p1": (2, 1), "p2": (2, 2)}, max_tokens=1024, family="kernel",
                      suite="kern", extra_metrics=wide),
            write_run(tmp / "b", LONG, {"p1": (2, 0), "p2": (2, 1)}, max_tokens=4096, family="kernel",
                      suite="kern", extra_metrics=wide),
            write_run(tmp / "c", "reference", {"p1": (1, 1), "p2": (1, 1)}, family="kernel", suite="kern",
                      extra_metrics=wide)]
    path = tmp / "leaderboard.html"
    path.write_text(render(build(runs).doc))
    return path


def test_page_at_1400_px(page: Path, tmp_path: Path) -> None:
    assert CHROMIUM is not None
    browser = Browser(CHROMIUM, tmp_path / "profile", size=(1400, 1000))
    try:
        browser.open(page.as_uri())
        browser.eval("document.querySelectorAll('details').forEach(d => d.open = true)")
        assert browser.eval("innerWidth") == 1400
        assert browser.eval("document.documentElement.scrollWidth <= innerWidth")
        tables = browser.eval(TABLES)
        assert any(t["wide"] for t in tables)  # the page does hold a table wider than the viewport
        assert all(t["sticky"] for t in tables if t["wide"] or t["scrolls"]), tables
        assert browser.eval(CLIPPED) == []
        for labels in browser.eval(LABELS):
            assert len(labels) == len(set(labels)), labels
        assert any("max_tokens=1024" in lab for labels in browser.eval(LABELS) for lab in labels)
        assert "2 problems loaded" in browser.eval("document.querySelector('p.scope').textContent")
    finally:
        browser.close()
