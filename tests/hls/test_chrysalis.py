"""The Chrysalis-HLS loader on a small fixture in the dataset's layout (own code)."""
from __future__ import annotations

from pathlib import Path

from harness.families.hls.answer import parse_answer
from harness.families.hls.baselines import reference_answer
from harness.families.hls.chrysalis import apply_record, load_chrysalis
from harness.families.hls.prompt import build_prompt
from harness.families.hls.score import aggregate, score_item


def test_fixture_loads_and_non_applying_records_are_counted(chrysalis_dir: Path) -> None:
    load = load_chrysalis(chrysalis_dir)
    ids = {it.id for it in load.items}
    assert load.records == 7
    assert load.skipped == 2
    assert set(load.skipped_reasons) == {"TinyBench/vec_scale/bug_SHFT", "TinyBench/clip/bug_USE"}
    assert "not found" in load.skipped_reasons["TinyBench/vec_scale/bug_SHFT"]
    assert {"TinyBench/vec_scale/bug_OOB", "TinyBench/vec_scale/bug_INIT_MLU", "TinyBench/vec_scale/bug_DFP",
            "TinyBench/clip/bug_ZERO", "TinyBench/clip/bug_OP", "TinyBench/vec_scale/control",
            "TinyBench/clip/control"} == ids
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
