"""Detection metrics that answering "buggy" everywhere cannot game (issue 20)."""
from __future__ import annotations

import math
from pathlib import Path

import pytest

from harness.families.hls.answer import HlsAnswer
from harness.families.hls.items import HlsItem
from harness.families.hls.score import (
    always_buggy_baseline,
    detection_metrics,
    metrics_with_stats,
    score_item,
)


def _items(n_buggy: int, n_controls: int) -> list[HlsItem]:
    code = "int f(int a) {\n  return a + 1;\n}\n"
    bad = code.replace("a + 1", "a - 1")
    return ([HlsItem(id=f"k{i}/OP_1", kernel=f"k{i}", code=bad, original=code, types=["OP"], spans=[(2, 2)])
             for i in range(n_buggy)]
            + [HlsItem(id=f"c{i}/control", kernel=f"c{i}", code=code, original=code) for i in range(n_controls)])


# (1600, 90) has the Chrysalis-like imbalance of (16000, 900) at a tenth of the cost; the full size
# (about 30 s of scoring and bootstrap) runs with the slow tests
@pytest.mark.parametrize(("n_buggy", "n_controls"), [
    (78, 26), (26, 26), (1600, 90), pytest.param(16000, 900, marks=pytest.mark.slow)])
def test_always_buggy_gets_chance_level_balanced_accuracy_and_zero_mcc(n_buggy: int, n_controls: int,
                                                                       tmp_path: Path) -> None:
    items = _items(n_buggy, n_controls)
    scores = [[score_item(it, HlsAnswer(True, 2, "OP", None), tmp_path, execute=False)] for it in items]
    metrics = metrics_with_stats(scores, resamples=50)
    assert metrics["detection_balanced_accuracy"]["mean"] == 0.5
    assert metrics["detection_mcc"]["mean"] == 0.0
    f1 = metrics["detection_f1"]["mean"]
    share = n_buggy / (n_buggy + n_controls)
    assert f1 == pytest.approx(2 * share / (share + 1))  # F1 only reflects the share of buggy items
    baseline = metrics["hls"]["always_buggy"]
    assert baseline["detection_balanced_accuracy"] == 0.5 and baseline["detection_mcc"] == 0.0
    assert baseline["detection_f1"] == pytest.approx(f1)


def test_old_hls_bugs_make_up_gave_always_buggy_f1_0857() -> None:
    assert always_buggy_baseline(78, 26)["detection_f1"] == pytest.approx(0.857, abs=1e-3)
    assert always_buggy_baseline(26, 26)["detection_f1"] == pytest.approx(2 / 3)


def test_detection_metrics_values() -> None:
    perfect = detection_metrics(tp=10, fn=0, tn=10, fp=0)
    assert perfect["detection_balanced_accuracy"] == 1.0 and perfect["detection_mcc"] == 1.0
    inverted = detection_metrics(tp=0, fn=10, tn=0, fp=10)
    assert inverted["detection_balanced_accuracy"] == 0.0 and inverted["detection_mcc"] == -1.0
    never = detection_metrics(tp=0, fn=10, tn=10, fp=0)  # "correct" everywhere
    assert never["detection_balanced_accuracy"] == 0.5 and never["detection_mcc"] == 0.0 and never["detection_f1"] == 0.0
    some = detection_metrics(tp=8, fn=2, tn=6, fp=4)
    assert some["detection_balanced_accuracy"] == pytest.approx((0.8 + 0.6) / 2)
    assert some["detection_mcc"] == pytest.approx((8 * 6 - 4 * 2) / math.sqrt(12 * 10 * 10 * 8))


def test_unanswered_control_counts_as_a_false_alarm(tmp_path: Path) -> None:
    items = _items(2, 2)
    answers = [HlsAnswer(True, 2, "OP", None), HlsAnswer(True, 2, "OP", None), HlsAnswer(False, None, None, None), None]
    scores = [[score_item(it, ans, tmp_path, execute=False)] for it, ans in zip(items, answers)]
    metrics = metrics_with_stats(scores, resamples=20)
    assert metrics["detection_balanced_accuracy"]["mean"] == pytest.approx(0.75)
