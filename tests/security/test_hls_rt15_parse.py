"""HLS answer scoring, red team 15 (s15/rth items 5 and 6).

5. An answer without the JSON verdict whose prose said "This kernel is buggy" and that echoed the
   file unchanged was scored a correct "no bug" on a control (the verdict was inferred from the
   unchanged code). A verdict now comes only from the answer's fields: ``buggy``, or a line or a
   type or a changed file (a claim of a bug), never "no bug" from unchanged code; an answer with none
   is ``unanswered`` on a control (a false alarm in the detection metrics, status ``no_code``) and
   ``fn`` with no fix run on a buggy item.
6. On a two-bug item the line of one bug and the type of the other were both credited. The type
   now counts only as the type of the bug the line located (any bug's where the line located none,
   as on a one-bug item).
"""
from __future__ import annotations

from pathlib import Path

import pytest

import harness.families.hls.score as score
from harness.families.hls.answer import HlsAnswer, parse_answer
from harness.families.hls.items import HlsItem
from harness.families.hls.score import FixVerdict, ItemScore, score_item, type_hit, type_macro_f1

CODE = "\n".join(f"int line{i} = {i};" for i in range(1, 21)) + "\n"


def _control(kernel_dir: Path | None = None) -> HlsItem:
    return HlsItem(id="k/a", kernel="k", code=CODE, original=CODE, kernel_dir=kernel_dir)


def _two_bugs(kernel_dir: Path | None = None) -> HlsItem:
    """biquad_sat/b's shape: USE on line 12, BUF on lines 13-14."""
    buggy = CODE.replace("line12 = 12", "line12 = 13")
    return HlsItem(id="k/b", kernel="k", code=buggy, original=CODE, types=["USE", "BUF"], spans=[(12, 12), (13, 14)],
                   kernel_dir=kernel_dir)


PROSE_BUGGY = "This kernel is buggy: the loop reads past the end.\n\n```cpp\n" + CODE + "```\n"
UNDECIDED = "I could not decide whether this kernel has a bug.\n\n```cpp\n" + CODE + "```\n"
HONEST_CONTROL = '```json\n{"buggy": false, "line": null, "type": null, "fix": null}\n```\n'
HONEST_CONTROL_ECHO = '{"buggy": false, "line": null, "type": null}\n\n```cpp\n' + CODE + "```\n"


@pytest.mark.parametrize("text", [PROSE_BUGGY, UNDECIDED])
def test_no_verdict_on_a_control_is_unanswered(text: str, tmp_path: Path) -> None:
    answer = parse_answer(text)
    assert answer is not None and answer.buggy is None and answer.fix == CODE
    s = score_item(_control(), answer, tmp_path)
    assert (s.predicted, s.detection, s.status) == (None, "unanswered", "no_code")


@pytest.mark.parametrize("text", [HONEST_CONTROL, HONEST_CONTROL_ECHO])
def test_honest_control_in_the_required_format_keeps_its_credit(text: str, tmp_path: Path) -> None:
    s = score_item(_control(), parse_answer(text), tmp_path)
    assert (s.predicted, s.detection, s.status) == (False, "tn", "pass")


def test_a_named_line_or_type_is_a_verdict(tmp_path: Path) -> None:
    """The nearest form that still carries a verdict: line/type fields claim a bug."""
    s = score_item(_control(), parse_answer('{"line": 3, "type": "OOB"}\n\n```cpp\n' + CODE + "```\n"), tmp_path)
    assert (s.detection, s.status) == ("fp", "fail")


def test_no_verdict_on_a_buggy_item_runs_no_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Unchanged code and no verdict: no fix is run. A changed file claims a bug: its fix runs."""
    ran: list[str] = []
    monkeypatch.setattr(score, "fix_at_exec", lambda item, fix, *a, **k: ran.append(fix) or FixVerdict("pass"))
    item = _two_bugs(kernel_dir=tmp_path)
    (tmp_path / "tb.cpp").write_text("int main() { return 0; }\n")
    s = score_item(item, parse_answer("I could not decide.\n\n```cpp\n" + item.code + "```\n"), tmp_path)
    assert (s.detection, s.status) == ("fn", "no_code") and s.fix is not None and s.fix.status == "no_code"
    assert ran == []
    s = score_item(item, parse_answer("The bug is fixed below.\n\n```cpp\n" + CODE + "```\n"), tmp_path)
    assert (s.detection, s.status) == ("tp", "pass") and ran == [CODE]
    ran.clear()
    s = score_item(item, parse_answer('{"buggy": true, "line": 12, "type": "USE"}\n```cpp\n' + CODE + "```\n"),
                   tmp_path)
    assert (s.detection, s.status, s.line_hit, s.type_hit) == ("tp", "pass", True, True) and ran == [CODE]


def test_no_verdict_without_testbench_is_no_code(tmp_path: Path) -> None:
    item = _two_bugs()
    s = score_item(item, HlsAnswer(None, None, None, item.code), tmp_path)
    assert (s.detection, s.status) == ("fn", "no_code")


@pytest.mark.parametrize("line, typ, hit", [
    (12, "BUF", False),   # red team 6: line of the USE bug, type of the BUF bug
    (13, "USE", False),
    (12, "USE", True),
    (13, "BUF", True),
    (14, "BUF", True),
    (3, "BUF", True),     # a line in no span: either bug's type, as on a one-bug item
    (None, "USE", True),
    (12, "OOB", False),
    (3, "OOB", False),
    (12, None, False),
])
def test_type_is_paired_with_the_located_bug(line: int | None, typ: str | None, hit: bool, tmp_path: Path) -> None:
    item = _two_bugs()
    assert type_hit(item, line, typ) is hit
    s = score_item(item, HlsAnswer(True, line, typ, None), tmp_path)
    assert s.type_hit is hit


def test_type_macro_f1_follows_the_pairing() -> None:
    def one(typ: str, hit: bool) -> ItemScore:
        return ItemScore("k/b", True, True, "tp", 12, True, ["USE", "BUF"], typ, hit, None, "fail")
    assert type_macro_f1([one("BUF", False)]) == 0.0
    assert type_macro_f1([one("USE", True)]) == 1.0
