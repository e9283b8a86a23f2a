"""hls-hard: hand-written HLS bugs, each caught by its testbench; controls pass; baselines.

The session build (conftest) C-simulates every control under every build and every buggy item
until a build catches it, and refuses a kernel whose control fails or whose bug passes; the
tests here read that build back and run the real CLI on it.
"""
from __future__ import annotations

import json
import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from benchmarks.hls_hard import KERNELS_DIR, HlsHardSuite
from harness.errors import DataError
from harness.families.hls.baselines import _respond
from harness.families.hls.build import load_bugs, load_kernels
from harness.families.hls.csim import csim
from harness.families.hls.items import HlsItem
from harness.sandbox.base import Sandbox
from harness.suite import EvalContext, SuiteOptions
from harness.types import Completion, Status
from tests.helpers import hweval

README = KERNELS_DIR.parent / "README.md"
SOURCE = "#include \"kernel.h\"\n\nint f(int a) {\n    return a + 1;\n}\n"


def _meta(tmp_path: Path, body: str) -> tuple[Path, dict[str, Any]]:
    path = tmp_path / "meta.toml"
    path.write_text(body)
    return path, tomllib.loads(body)


def test_hand_written_bugs_are_applied_and_checked(tmp_path: Path) -> None:
    path, meta = _meta(tmp_path, 'control_id = "b"\n[[bugs]]\nid = "a"\ntypes = ["OP"]\nspans = [[4, 4]]\n'
                                 'edits = [{line = 4, old = "a + 1", new = "a - 1"}]\n')
    (bug,) = load_bugs(path, meta, SOURCE)
    assert bug.id == "a" and bug.types == ("OP",) and bug.spans == ((4, 4),)
    assert bug.source == SOURCE.replace("a + 1", "a - 1")


@pytest.mark.parametrize(("body", "message"), [
    ('[[bugs]]\nid = "a"\ntypes = ["OP"]\nspans = [[4, 4]]\nedits = [{line = 4, old = "a * 1", new = "a"}]\n',
     "does not occur exactly once"),
    ('[[bugs]]\nid = "a"\ntypes = ["OP"]\nspans = [[3, 3]]\nedits = [{line = 4, old = "a + 1", new = "a"}]\n',
     "outside every span"),
    ('[[bugs]]\nid = "a"\ntypes = ["NOPE"]\nspans = [[4, 4]]\nedits = [{line = 4, old = "a + 1", new = "a"}]\n',
     "`types` must list codes"),
    ('[[bugs]]\nid = "control"\ntypes = ["OP"]\nspans = [[4, 4]]\nedits = [{line = 4, old = "+", new = "-"}]\n',
     "distinct from the control"),
    ('[[bugs]]\nid = "a"\ntypes = ["OP", "USE"]\nspans = [[4, 4]]\nedits = [{line = 4, old = "+", new = "-"}]\n',
     "one [first, last] line range"),
    ('bugs = ["a"]\n', "each bug must be a table"),
])
def test_bad_bug_records_name_the_file(tmp_path: Path, body: str, message: str) -> None:
    path, meta = _meta(tmp_path, body)
    with pytest.raises(DataError, match="meta.toml: bug 1") as err:
        load_bugs(path, meta, SOURCE)
    assert message in str(err.value)


def test_every_kernel_says_what_makes_it_hard() -> None:
    readme = README.read_text()
    kernels = load_kernels(KERNELS_DIR)
    assert len(kernels) >= 20
    for k in kernels:
        assert {"name", "category", "top", "description", "hard", "control_id", "bugs"} <= set(k.meta), k.name
        assert f"`{k.name}`" in readme and str(k.meta["hard"]) in readme, k.name


@pytest.mark.slow
def test_suite_shape(hard_items: list[HlsItem]) -> None:
    n_kernels = len(load_kernels(KERNELS_DIR))
    controls = [it for it in hard_items if not it.buggy]
    buggy = [it for it in hard_items if it.buggy]
    assert len(hard_items) >= 40 and len(controls) == n_kernels == len(buggy)  # half the items are controls
    assert sum(len(it.types) == 2 for it in buggy) >= 3  # items with two bugs
    assert {"USE", "BUF", "OP", "CONST", "INIT", "ZERO", "OOB", "SHFT", "MLU"} <= {t for it in buggy for t in it.types}
    tails = {it.id: it.id.split("/")[1] for it in hard_items}
    assert set(tails.values()) == {"a", "b"}  # neutral ids: "a"/"b" say nothing about the item
    assert {tails[it.id] for it in controls} == {"a", "b"}
    assert Counter(it.kernel for it in hard_items) == Counter({k: 2 for k in {it.kernel for it in hard_items}})
    for it in controls:
        assert it.code == it.original and it.spans == [] and it.symptom is None
    for it in buggy:
        assert it.code != it.original and it.description
        assert it.symptom and it.symptom["status"] in ("fail", "runtime_error", "timeout"), it.id
        lines = it.code.split("\n")
        changed = [i + 1 for i, (x, y) in enumerate(zip(lines, it.original.split("\n"))) if x != y]
        assert len(lines) == len(it.original.split("\n"))
        assert all(it.line_in_span(n) for n in changed), it.id
        assert all(any(a <= n <= b for n in changed) for a, b in it.spans), it.id  # every span holds an edit


def _one_span(item: HlsItem, span: tuple[int, int]) -> str:
    """The original with only the buggy lines of ``span``."""
    bug, orig = item.code.split("\n"), item.original.split("\n")
    return "\n".join(bug[i] if span[0] <= i + 1 <= span[1] else orig[i] for i in range(len(orig)))


@pytest.mark.slow
def test_each_bug_of_a_two_bug_item_is_caught_alone(hard_items: list[HlsItem], hard_cache: Path,
                                                    tmp_path: Path) -> None:
    """A fix that repairs only one of two bugs must still fail."""
    two = [it for it in hard_items if len(it.spans) == 2]
    assert len(two) >= 3
    for it in two:
        assert it.tb_path is not None
        for span in it.spans:
            res = csim(_one_span(it, span), it.tb_path, tmp_path / f"{it.kernel}-{span[0]}", cache=hard_cache,
                       timeout_s=10, stop_on_failure=True)
            assert not res.passed and res.status in ("fail", "runtime_error", "timeout"), (it.id, span, res.symptom)


def _evaluate(item: HlsItem, text: str, sandbox: Sandbox, hard_cache: Path, tmp_path: Path) -> tuple[Status, str]:
    suite = HlsHardSuite(SuiteOptions())
    problem = next(p for p in suite.problems() if p.id == item.id)
    cand = suite.extract(problem, Completion(suite.name, item.id, 0, text))
    assert cand is not None
    ctx = EvalContext(sandbox=sandbox, scratch_root=tmp_path, cache_dir=hard_cache.parent)
    verdict = suite.evaluate(problem, cand, ctx)
    return verdict.status, verdict.reason


@pytest.mark.slow
def test_an_honest_fix_written_differently_passes(hard_items: list[HlsItem], hard_cache: Path, sandbox: Sandbox,
                                                  tmp_path: Path) -> None:
    """A fix that is not the original passes the integrity gate and the testbench in the sandbox
    (a fix that repairs one of two bugs fails: test_each_bug_of_a_two_bug_item_is_caught_alone)."""
    ring = next(it for it in hard_items if it.kernel == "window_avg" and it.buggy)
    fix = ring.code.replace("        pos++;", "        pos = (pos + 1) % WA_WIN;")
    assert fix != ring.code and fix != ring.original
    answer = _respond("ring index", {"buggy": True, "line": ring.spans[0][0], "type": "OOB", "fix": None}, fix)
    status, reason = _evaluate(ring, answer, sandbox, hard_cache, tmp_path)
    assert status == Status.PASS, reason
    status, reason = _evaluate(ring, answer.replace("pos = (pos + 1) % WA_WIN;", "pos = (pos + 1) % 8;"), sandbox,
                               hard_cache, tmp_path)
    assert status in (Status.FAIL, Status.RUNTIME_ERROR), reason  # still runs past the ring


@pytest.mark.slow
def test_prompt_is_the_same_for_a_control_and_its_buggy_twin(hard_items: list[HlsItem]) -> None:
    suite = HlsHardSuite(SuiteOptions())
    problems = {p.id: p for p in suite.problems()}
    for it in hard_items:
        text = suite.prompt(problems[it.id]).text
        assert "at most two" in text and "kernel.h (correct" in text and it.header and it.header.strip() in text
        assert it.description not in text and "control" not in text.lower()
    twins = [(a, b) for a in hard_items for b in hard_items if a.kernel == b.kernel and not a.buggy and b.buggy]
    assert len(twins) == len(load_kernels(KERNELS_DIR))
    for control, bug in twins:
        a = suite.prompt(problems[control.id]).text.split("\n")
        b = suite.prompt(problems[bug.id]).text.split("\n")
        changed = sum(x != y for x, y in zip(control.code.split("\n"), bug.code.split("\n")))
        assert len(a) == len(b) and sum(x != y for x, y in zip(a, b)) == changed

def _run(tmp_path: Path, name: str, *args: str) -> dict[str, Any]:
    out = tmp_path / name
    proc = hweval("run", "--suite", "hls-hard", *args, "--sandbox", "local", "--out", str(out))
    assert proc.returncode == 0, proc.stderr[-3000:]
    res = json.loads((out / "results.json").read_text())
    assert res["infra_errors"] == 0
    return res["suites"]["hls-hard"]


@pytest.mark.slow
def test_reference_mutant_and_always_buggy(hard_items: list[HlsItem], tmp_path: Path) -> None:
    n, n_buggy = len(hard_items), sum(it.buggy for it in hard_items)
    ref = _run(tmp_path, "ref", "--model", "reference")
    assert ref["excluded"] == [] and ref["status_counts"] == {"pass": n}
    m = ref["metrics"]
    for name in ("pass@1", "fix_at_exec", "detection_f1", "detection_mcc", "localisation_accuracy", "type_macro_f1"):
        assert m[name]["mean"] == 1.0, name
    assert m["hls"]["detection"] == {"tp": n_buggy, "tn": n - n_buggy}
    assert m["hls"]["always_buggy"]["detection_balanced_accuracy"] == 0.5
    assert m["hls"]["always_buggy"]["detection_mcc"] == 0.0

    mut = _run(tmp_path, "mutant", "--model", "mutant")
    assert mut["metrics"]["pass@1"]["mean"] <= 0.10 and mut["metrics"]["fix_at_exec"]["mean"] == 0.0

    replay = tmp_path / "always_buggy.jsonl"  # the "buggy everywhere" policy, answered for real
    with replay.open("w") as fh:
        for it in hard_items:
            text = _respond("buggy", {"buggy": True, "line": 1, "type": "USE", "fix": None}, None)
            fh.write(json.dumps({"suite": "hls-hard", "problem_id": it.id, "sample_idx": 0, "completion": text}) + "\n")
    always = _run(tmp_path, "always", "--model", f"replay:{replay}")["metrics"]
    assert always["detection_balanced_accuracy"]["mean"] == 0.5 and always["detection_mcc"]["mean"] == 0.0
    assert always["pass@1"]["mean"] == 0.0
