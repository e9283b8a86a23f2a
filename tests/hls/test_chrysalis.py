"""The Chrysalis-HLS loader on a small fixture in the dataset's layout (own code)."""
from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from harness.families.hls.answer import parse_answer
from harness.families.hls.baselines import reference_answer
from harness.families.hls.chrysalis import RecordError, apply_record, load_chrysalis
from harness.families.hls.items import HlsItem
from harness.families.hls.prompt import build_prompt
from harness.families.hls.score import aggregate, score_item
from harness.families.hls.taxonomy import CHRYSALIS_TYPES


def test_fixture_loads_and_non_applying_records_are_counted(chrysalis_dir: Path) -> None:
    load = load_chrysalis(chrysalis_dir)
    ids = {it.id for it in load.items}
    assert load.records == 13
    assert load.skipped == 4
    assert dict(load.skipped_by_reason) == {"not_found": 1, "bad_record": 1, "conflicting": 1, "ambiguous": 1}
    assert set(load.skipped_reasons) == {"TinyBench/vec_scale/bug_SHFT", "TinyBench/clip/bug_USE",
                                         "TinyBench/acc_loop/bug_ZERO_USE", "TinyBench/acc_loop/bug_OOB"}
    assert "not found" in load.skipped_reasons["TinyBench/vec_scale/bug_SHFT"]
    assert {"TinyBench/vec_scale/bug_OOB", "TinyBench/vec_scale/bug_INIT_MLU", "TinyBench/vec_scale/bug_DFP",
            "TinyBench/clip/bug_ZERO", "TinyBench/clip/bug_OP", "TinyBench/vec_scale/control",
            "TinyBench/clip/control", "TinyBench/acc_loop/control", "TinyBench/acc_loop/bug_ILNU",
            "TinyBench/acc_loop/bug_MLP", "TinyBench/acc_loop/bug_MLU", "TinyBench/acc_loop/bug_BUF"} == ids
    assert all(it.kernel_dir is None and it.source == "chrysalis" for it in load.items)


def test_spans_point_at_the_faulty_code(chrysalis_dir: Path) -> None:
    items = {it.id: it for it in load_chrysalis(chrysalis_dir).items}
    def lines(item_id: str) -> list[str]:
        it = items[item_id]
        code = it.code.split("\n")
        return [code[i - 1].strip() for a, b in it.spans for i in range(a, b + 1)]
    assert lines("TinyBench/vec_scale/bug_OOB") == ["out[i] = in[i + 1] * k;"]
    two = items["TinyBench/vec_scale/bug_INIT_MLU"]
    assert two.types == ["INIT", "MLU"]
    assert lines(two.id) == ["int acc;", "for (int i = 0; i < N - 1; i++) {"]
    assert lines("TinyBench/vec_scale/bug_DFP") == ["#pragma HLS DATAFLOW"]
    assert items["TinyBench/vec_scale/bug_DFP"].code.count("\n") == items["TinyBench/vec_scale/bug_DFP"].original.count("\n") + 1
    assert lines("TinyBench/clip/bug_ZERO") == ["if (d < 0)", "return lim;"]
    assert lines("TinyBench/clip/bug_OP") == ["int r = n * d;"]  # matched despite different spacing


def test_apply_record_rejects_overlaps_and_no_ops() -> None:
    src = "int a = 0;\nint b = a + 1;\n"
    code, spans, types = apply_record(src, [{"Error Type": "CONST", "Original Code": "a + 1", "Faulty Code": "a + 2"}])
    assert code == "int a = 0;\nint b = a + 2;\n" and spans == [(2, 2)] and types == ["CONST"]
    for specs in ([{"Error Type": "OP", "Original Code": "a + 1", "Faulty Code": "a + 1"}],
                  [{"Error Type": "OP", "Original Code": "c = 2", "Faulty Code": "c = 3"}]):
        try:
            apply_record(src, specs)
        except ValueError:
            continue
        raise AssertionError(f"{specs} should not apply")


def test_reference_answers_score_perfectly_without_execution(chrysalis_dir: Path, tmp_path: Path) -> None:
    items = load_chrysalis(chrysalis_dir).items
    scores = [score_item(it, parse_answer(reference_answer(it)), tmp_path) for it in items]
    agg = aggregate(scores)
    assert agg["detection_f1"] == 1.0 and agg["localisation_accuracy"] == 1.0 and agg["type_macro_f1"] == 1.0
    assert agg["n_fix_scored"] == 0
    prompt = build_prompt(next(it for it in items if it.id.endswith("bug_DFP")))
    assert "DFP:" in prompt and "  5 | #pragma HLS DATAFLOW" in prompt


def test_pragma_anchor_may_be_elided_and_shared() -> None:
    src = "void f(int a[4]) {\n  for (int i = 0; i < 4; i++)\n  {\n    a[i] = 0;\n  }\n}\n"
    specs = [{"Error Type": "INF", "Original Code": "for (int i = 0; i < 4; i++)", "Faulty Code": "for (int i = 0; ; i++)"},
             {"Error Type": "ILNU", "Original Code": '"""for (int i = 0; i < 4; i++) { ... }"""',
              "Faulty Code": "#pragma HLS UNROLL factor=3"}]
    code, spans, types = apply_record(src, specs)
    assert code.split("\n")[1:4] == ["  for (int i = 0; ; i++)", "  {", "#pragma HLS UNROLL factor=3"]
    assert spans == [(2, 2), (4, 4)] and types == ["INF", "ILNU"]


def _by_id(chrysalis_dir: Path) -> dict[str, HlsItem]:
    return {it.id: it for it in load_chrysalis(chrysalis_dir).items}


def _added_lines(item: HlsItem) -> list[str]:
    diff = difflib.ndiff(item.original.split("\n"), item.code.split("\n"))
    return [d[2:] for d in diff if d.startswith("+ ")]


def test_pragma_plus_original_inserts_only_the_pragma(chrysalis_dir: Path) -> None:
    """Faulty code = pragma + the original loop (written on one line): the loop is not
    duplicated; only the pragma line is added, before the loop, and the span points at it."""
    ilnu = _by_id(chrysalis_dir)["TinyBench/acc_loop/bug_ILNU"]
    assert ilnu.code.count("for (") == ilnu.original.count("for (")
    assert ilnu.code.count("prod *= in[i];") == 1
    assert _added_lines(ilnu) == ["#pragma HLS unroll factor=3"]
    assert [ln for ln in difflib.ndiff(ilnu.original.split("\n"), ilnu.code.split("\n")) if ln.startswith("- ")] == []
    lines = ilnu.code.split("\n")
    assert ilnu.spans == [(11, 11)] and lines[10] == "#pragma HLS unroll factor=3"
    assert lines[11].strip().startswith("for (int i = 0; i < N; i++)")


def test_pragma_inside_the_original_lands_inside_the_loop(chrysalis_dir: Path) -> None:
    mlp = _by_id(chrysalis_dir)["TinyBench/acc_loop/bug_MLP"]
    lines = mlp.code.split("\n")
    assert _added_lines(mlp) == ["#pragma HLS pipeline"] and mlp.spans == [(9, 9)]
    assert lines[7].strip().startswith("for (") and lines[8] == "#pragma HLS pipeline" and lines[9].strip() == "sum += in[i];"


def test_conflicting_specs_are_reported_as_conflicting(chrysalis_dir: Path) -> None:
    load = load_chrysalis(chrysalis_dir)
    why = load.skipped_reasons["TinyBench/acc_loop/bug_ZERO_USE"]
    assert why.startswith("conflicting") and "not found" not in why
    src = "int a = 1;\nint b = a;\n"
    with pytest.raises(RecordError) as exc:
        apply_record(src, [{"Error Type": "ZERO", "Original Code": "int a = 1;", "Faulty Code": "int a = 0;"},
                           {"Error Type": "USE", "Original Code": "a = 1", "Faulty Code": "a = -1"}])
    assert exc.value.kind == "conflicting"


def test_duplicated_snippets_are_resolved_by_the_verbatim_occurrence_or_dropped(chrysalis_dir: Path) -> None:
    items, load = _by_id(chrysalis_dir), load_chrysalis(chrysalis_dir)
    mlu = items["TinyBench/acc_loop/bug_MLU"]  # two loops match up to spacing, one verbatim
    assert mlu.spans == [(11, 11)] and mlu.code.split("\n")[10] == "  for (int i = 0; i < N - 1; i++) {"
    assert mlu.code.split("\n")[7] == mlu.original.split("\n")[7]
    assert load.skipped_reasons["TinyBench/acc_loop/bug_OOB"].startswith("ambiguous")  # in[i] twice, both verbatim
    with pytest.raises(RecordError) as exc:
        apply_record("x = a1;\ny = a1;\n", [{"Error Type": "OP", "Original Code": "a1", "Faulty Code": "a2"}])
    assert exc.value.kind == "ambiguous"
    code, _, _ = apply_record("ab1 = 1;\nb1 = 1;\n", [{"Error Type": "ZERO", "Original Code": "b1 = 1;", "Faulty Code": "b1 = 0;"}])
    assert code == "ab1 = 1;\nb1 = 0;\n"  # matched on token boundaries only


def test_chrysalis_prompt_uses_the_dataset_definitions_and_says_fixes_are_not_executed(chrysalis_dir: Path) -> None:
    item = _by_id(chrysalis_dir)["TinyBench/acc_loop/bug_ILNU"]
    prompt = build_prompt(item)
    for code in ("MLU", "ZERO", "BUF", "IDAP", "RAMB", "FND", "DID"):
        assert f"- {code}: {CHRYSALIS_TYPES[code]}" in prompt
    assert "ZERO: variable initialized to zero instead of a nonzero initializer" in prompt
    assert "no fix is executed" in prompt and "hidden testbench" not in prompt and '"fix"' not in prompt
    assert "do not change what the C++ code computes" not in prompt
