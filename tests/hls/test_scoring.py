"""Scoring: reference answers are perfect, mutant answers score low, fixes are executed."""
from __future__ import annotations

from pathlib import Path

import pytest

from harness.families.hls.answer import HlsAnswer, parse_answer
from harness.families.hls.baselines import mutant_answer, reference_answer
from harness.families.hls.items import HlsItem
from harness.families.hls.prompt import build_prompt
from harness.families.hls.score import aggregate, fix_at_exec, score_item
from harness.sandbox.base import Sandbox


def _score_all(items: list[HlsItem], texts: list[str], cache: Path, tmp: Path, sandbox: Sandbox) -> dict[str, object]:
    scores = [score_item(it, parse_answer(t), tmp / it.id.replace("/", "_"), cache=cache, timeout_s=4.0, sandbox=sandbox)
              for it, t in zip(items, texts)]
    return aggregate(scores)


@pytest.mark.slow
def test_reference_answers_are_perfect(built_items: list[HlsItem], hls_cache: Path, tmp_path: Path,
                                       local_sandbox: Sandbox) -> None:
    agg = _score_all(built_items, [reference_answer(it) for it in built_items], hls_cache, tmp_path, local_sandbox)
    assert agg["detection_f1"] == 1.0
    assert agg["localisation_accuracy"] == 1.0
    assert agg["type_macro_f1"] == 1.0
    assert agg["fix_at_exec"] == 1.0 and agg["n_fix_scored"] == agg["n_buggy"]
    assert agg["status"] == {"pass": len(built_items)}


@pytest.mark.slow
def test_mutant_answers_score_low(built_items: list[HlsItem], hls_cache: Path, tmp_path: Path,
                                  local_sandbox: Sandbox) -> None:
    for sample in (0, 1):
        agg = _score_all(built_items, [mutant_answer(it, sample) for it in built_items], hls_cache, tmp_path,
                         local_sandbox)
        assert agg["fix_at_exec"] == 0.0
        assert agg["detection_precision"] < 0.8
        assert agg["localisation_accuracy"] < 0.7
        assert agg["type_macro_f1"] < 0.7
    assert mutant_answer(built_items[0], 3) == mutant_answer(built_items[0], 3)


def _item(items: list[HlsItem], kernel: str, typ: str | None = None) -> HlsItem:
    return next(it for it in items if it.kernel == kernel and (it.type == typ if typ else it.buggy))


@pytest.mark.slow
def test_fix_verdicts(built_items: list[HlsItem], hls_cache: Path, tmp_path: Path, local_sandbox: Sandbox) -> None:
    it = next(i for i in built_items if i.buggy and i.symptom and i.symptom["status"] != "timeout")
    reformatted = it.original.replace("\n", "\n\n", 1) + "// fixed\n"
    assert fix_at_exec(it, reformatted, tmp_path / "ok", cache=hls_cache, sandbox=local_sandbox).status == "pass"
    assert fix_at_exec(it, it.code, tmp_path / "same", cache=hls_cache, sandbox=local_sandbox).status == "fail"
    assert fix_at_exec(it, None, tmp_path / "none", cache=hls_cache, sandbox=local_sandbox).status == "no_code"
    assert fix_at_exec(it, it.original + "\nint main() { return 0; }\n", tmp_path / "m", cache=hls_cache, sandbox=local_sandbox).status == "rejected"
    big = it.original + "".join(f"static int pad{i} = {i};\n" for i in range(20))
    assert fix_at_exec(it, big, tmp_path / "big", cache=hls_cache, sandbox=local_sandbox).status == "rejected"
    broken = it.original.rstrip().rstrip("}")
    assert fix_at_exec(it, broken, tmp_path / "syn", cache=hls_cache, sandbox=local_sandbox).status == "syntax_error"
    inf = next(i for i in built_items if i.type == "INF")
    verdict = fix_at_exec(inf, inf.code + "// still broken\n", tmp_path / "inf", cache=hls_cache, timeout_s=2.0,
                          sandbox=local_sandbox)
    assert verdict.status == "timeout" and verdict.builds == {"plain": "timeout"}


@pytest.mark.slow
def test_item_score_fields(built_items: list[HlsItem], hls_cache: Path, tmp_path: Path, local_sandbox: Sandbox) -> None:
    it = next(i for i in built_items if i.buggy)
    line = it.spans[0][0]
    s = score_item(it, HlsAnswer(True, line, it.type, None), tmp_path, cache=hls_cache, sandbox=local_sandbox)
    assert (s.detection, s.line_hit, s.type_hit, s.status) == ("tp", True, True, "no_code")
    s = score_item(it, HlsAnswer(False, None, None, None), tmp_path, cache=hls_cache, sandbox=local_sandbox)
    assert (s.detection, s.line_hit, s.status) == ("fn", False, "fail")
    assert score_item(it, None, tmp_path).status == "no_code"
    ctrl = next(i for i in built_items if not i.buggy)
    assert score_item(ctrl, HlsAnswer(False, None, None, ctrl.code), tmp_path).detection == "tn"
    # no verdict: the unchanged file is no "no bug" (red team 15 item 5)
    assert score_item(ctrl, HlsAnswer(None, None, None, ctrl.code), tmp_path).detection == "unanswered"
    assert score_item(ctrl, HlsAnswer(True, 3, "OP", None), tmp_path).detection == "fp"
    prompt = build_prompt(it)
    assert "kernel.h" in prompt and f"{line:>3} | " in prompt and "ZERO:" in prompt and '"buggy"' in prompt


def test_a_rejected_fix_names_its_rule_on_the_verdict(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The run files' contract: a ``rejected`` verdict carries the integrity rule, as in every family."""
    import json as _json

    import harness.families.hls.suite as hls_suite
    from harness.families.hls.score import FixVerdict, ItemScore
    from harness.sandbox.base import Limits
    from harness.suite import EvalContext, SuiteOptions
    from harness.types import Candidate, Problem, Status

    def fake_score(item, answer, work, **kw):  # type: ignore[no-untyped-def]
        fix = FixVerdict("rejected", "interposition: the fix defines `memcmp`", 3)
        return ItemScore("k/OP_1", True, True, "tp", 4, True, ["OP"], "OP", True, fix, "rejected")

    suite = hls_suite.HlsSuite(SuiteOptions())
    monkeypatch.setattr(hls_suite, "score_item", fake_score)
    monkeypatch.setattr(hls_suite, "sandbox_runner", lambda *a, **k: None)
    monkeypatch.setattr(type(suite), "items", lambda self: {"k/OP_1": object()})
    cand = Candidate("int f();", files={"answer.json": _json.dumps({"buggy": True, "line": 4, "type": "OP"})})
    v = suite.evaluate(Problem("hls", "k/OP_1"), cand, EvalContext(sandbox=None, limits=Limits(),  # type: ignore[arg-type]
                                                                  scratch_root=tmp_path))
    assert v.status == Status.REJECTED and v.rule == "interposition", (v.status, v.rule)
