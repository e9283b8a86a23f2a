"""The static page: everything inline, every model and section present, user text escaped."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from harness.publish.html import render
from harness.publish.leaderboard import build
from tests.publish.runs import write_run

EVIL = 'evil<script>alert("x")</script>'


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.data: dict[str, str] = {}
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in = dict(attrs).get("id") if tag == "script" else None

    def handle_data(self, data: str) -> None:
        if self._in:
            self.data[self._in] = self.data.get(self._in, "") + data


@pytest.fixture
def doc(tmp_path: Path) -> dict:
    runs = [write_run(tmp_path / "ref", "reference", {"p1": (1, 1), "p2": (1, 1)}),
            write_run(tmp_path / "mut", "mutant", {"p1": (3, 0), "p2": (3, 1)},
                      status_counts={"fail": 4, "timeout": 1, "pass": 1}),
            write_run(tmp_path / "evil", EVIL, {"p1": (1, 0), "p2": (1, 0)},
                      excluded=[{"problem_id": "p3", "status": "fail", "reason": "ref fails"}]),
            write_run(tmp_path / "k", "reference", {"k1": (2, 1)}, suite="kern", family="kernel",
                      content_hash="aaaaaaaaaaaaaaaa",
                      extra_metrics={"fast_1": {"mean": 0.5, "stderr": 0.5, "ci95": [0.0, 1.0], "n": 1}})]
    return build(runs).doc


def test_page_is_self_contained(doc: dict) -> None:
    page = render(doc)
    parser = _Collect()
    parser.feed(page)
    for tag, attrs in parser.tags:
        assert not any(k in ("src", "href") for k in attrs), (tag, attrs)
        assert tag not in ("link", "iframe", "img", "object", "embed")
    assert not re.search(r"url\(|@import|https?://", page)


def test_page_has_a_table_per_family_and_every_model(doc: dict) -> None:
    page = render(doc)
    assert re.findall(r'<table class="sortable board" data-family="([^"]+)"', page) == ["kernel", "verilog"]
    for model in ("reference", "mutant"):
        assert f'data-model="{model}"' in page
    assert page.count('<svg class="bars"') >= 2  # one per suite at least
    assert page.count('<svg class="heatmap"') == 2
    assert page.count('class="model-status"') == 3
    assert 'data-key="fast_1"' in page and 'data-key="pass@1"' in page
    assert "p3: excluded" in page  # excluded problem shown in the heat map
    assert "timeout 1/6" in page  # status breakdown hover text


def test_user_text_is_escaped_and_data_embedded(doc: dict) -> None:
    page = render(doc)
    assert "<script>alert" not in page
    assert "evil&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    parser = _Collect()
    parser.feed(page)
    assert json.loads(parser.data["leaderboard-data"]) == doc


def test_bug_finding_suite_shows_the_always_buggy_baseline(tmp_path: Path) -> None:
    base = {"detection_f1": 2 / 3, "detection_balanced_accuracy": 0.5, "detection_mcc": 0.0}
    stat = {"mean": 0.9, "stderr": 0.05, "ci95": [0.8, 1.0], "n": 4}
    runs = [write_run(tmp_path / m, m, {"b1": (1, 1), "c1": (1, 1)}, suite="bugs", family="hls",
                      extra_metrics={"detection_f1": stat, "hls": {"always_buggy": base}})
            for m in ("reference", "model-b")]
    page = render(build(runs).doc)
    rows = re.findall(r'<tr class="baseline" data-model="always-buggy" data-suite="bugs">(.*?)</tr>', page)
    assert len(rows) == 1  # once per suite, not once per run
    assert "always buggy (baseline)" in rows[0] and ">0.667<" in rows[0]
    # the verilog page without a bug-finding suite has no baseline row
    plain = render(build([write_run(tmp_path / "v", "reference", {"p1": (1, 1)})]).doc)
    assert 'class="baseline"' not in plain


def test_bug_finding_suite_shows_the_always_clean_baseline_with_its_pass_at_1(tmp_path: Path) -> None:
    """Answering "no bug" everywhere passes every control: its pass@1 (the chance floor of pass@1 on
    a suite with controls) is shown next to the models (red team 6 scored 0.5 on hls-bugs so)."""
    from harness.families.hls.score import always_buggy_baseline, always_clean_baseline

    stat = {"mean": 0.9, "stderr": 0.05, "ci95": [0.8, 1.0], "n": 4}
    hls = {"always_buggy": always_buggy_baseline(2, 2), "always_clean": always_clean_baseline(2, 2)}
    runs = [write_run(tmp_path / "m", "model-b", {"b1": (1, 1), "b2": (1, 0), "c1": (1, 1), "c2": (1, 1)},
                      suite="bugs", family="hls", extra_metrics={"detection_f1": stat, "hls": hls})]
    page = render(build(runs).doc)
    rows = re.findall(r'<tr class="baseline" data-model="always-clean" data-suite="bugs">(.*?)</tr>', page)
    assert len(rows) == 1 and "always clean (baseline)" in rows[0]
    assert 'data-value="0.5">0.500<' in rows[0]  # pass@1: the two controls of four items
    assert len(re.findall(r'<tr class="baseline" data-model="always-buggy"', page)) == 1


def test_always_clean_baseline_numbers() -> None:
    from harness.families.hls.score import always_clean_baseline

    base = always_clean_baseline(26, 26)
    assert base["pass@1"] == 0.5
    assert base["detection_recall"] == 0.0 and base["detection_mcc"] == 0.0
    assert base["detection_balanced_accuracy"] == 0.5
    assert always_clean_baseline(0, 0)["pass@1"] is None
