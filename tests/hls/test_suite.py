"""The hls-bugs Suite glue: prompt, extract, evaluate (in the sandbox) and metrics."""
from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from benchmarks.hls_bugs import HlsBugsSuite
from harness.errors import UsageError
from harness.families.hls.baselines import _respond
from harness.families.hls.csim import ap_include_dir
from harness.families.hls.guard import compile_bases
from harness.families.hls.items import HlsItem
from harness.sandbox.base import ExecResult, Limits, Sandbox
from harness.suite import EvalContext, SuiteOptions
from harness.types import Completion, Status


class RecordingSandbox(Sandbox):
    """The real sandbox underneath; remembers each command and its read-only paths."""

    name = "recording"

    def __init__(self, inner: Sandbox) -> None:
        self.inner = inner
        self.calls: list[tuple[list[str], list[Path]]] = []

    def run(self, cmd: Sequence[str], *, workdir: Path, files: Mapping[str, str | bytes] | None = None,
            limits: Limits = Limits(), env: Mapping[str, str] | None = None, stdin: bytes | None = None,
            ro_paths: Sequence[Path] = ()) -> ExecResult:
        self.calls.append((list(cmd), list(ro_paths)))
        return self.inner.run(cmd, workdir=workdir, files=files, limits=limits, env=env, stdin=stdin, ro_paths=ro_paths)


class BrokenSandbox(Sandbox):
    name = "broken"

    def run(self, cmd: Sequence[str], **kwargs: object) -> ExecResult:  # type: ignore[override]
        return ExecResult(None, "", "", 0.0, infra_error="bubblewrap failed to start: test")


def _answer(item: HlsItem, code: str) -> str:
    return _respond("fixed", {"buggy": True, "line": item.spans[0][0], "type": item.types[0], "fix": None}, code)


@pytest.mark.slow
def test_suite_round_trip(built_items: list[HlsItem], hweval_cache: Path, local_sandbox: Sandbox,
                          tmp_path: Path) -> None:
    suite = HlsBugsSuite(SuiteOptions())
    problems = {p.id: p for p in suite.problems()}
    assert set(problems) == {it.id for it in built_items}
    ctx = EvalContext(sandbox=local_sandbox, scratch_root=tmp_path, cache_dir=hweval_cache)
    records = []
    for pid in [next(i.id for i in built_items if i.buggy), next(i.id for i in built_items if not i.buggy)]:
        p = problems[pid]
        assert "line numbers" in suite.prompt(p).text
        for idx, text in enumerate([suite.reference_response(p), suite.mutant_response(p, 0), "no idea"]):
            cand = suite.extract(p, Completion(suite.name, pid, idx, text))
            if cand is None:
                records.append({"problem_id": pid, "status": "no_code"})
                continue
            verdict = suite.evaluate(p, cand, ctx)
            assert verdict.status == (Status.PASS if idx == 0 else Status.FAIL)
            records.append({"problem_id": pid, "status": str(verdict.status), "metrics": verdict.metrics})
    metrics = suite.suite_metrics(records)
    assert metrics["hls"]["n_items"] == 6 and metrics["hls"]["status"]["no_code"] == 2
    assert set(metrics["detection_f1"]) == {"mean", "stderr", "ci95", "n"}


@pytest.mark.slow
def test_fixes_run_only_in_the_sandbox_and_compiles_are_cached(built_items: list[HlsItem], hweval_cache: Path,
                                                               local_sandbox: Sandbox, tmp_path: Path) -> None:
    suite = HlsBugsSuite(SuiteOptions())
    item = next(i for i in built_items if i.type == "OOB")
    problem = next(p for p in suite.problems() if p.id == item.id)
    box = RecordingSandbox(local_sandbox)
    ctx = EvalContext(sandbox=box, scratch_root=tmp_path, cache_dir=hweval_cache)

    def evaluate(code: str) -> Status:
        cand = suite.extract(problem, Completion(suite.name, item.id, 0, _answer(item, code)))
        assert cand is not None
        return suite.evaluate(problem, cand, ctx).status

    token = secrets.token_hex(8)  # new code: nothing of it is in the compile cache yet
    new_fix = item.original + f"// fixed in the sandbox ({token})\n"
    assert evaluate(new_fix) == Status.PASS
    gate = [cmd for cmd, _ in box.calls if "-save-temps=obj" in cmd]
    preprocess = [cmd for cmd, _ in box.calls if "-E" in cmd]
    commands = [cmd for cmd, _ in box.calls if "-save-temps=obj" not in cmd and "-E" not in cmd]
    # one integrity-gate compile (g++ -E lines and object) and one preprocessing per other build
    # command (guard.compile_bases), then three builds x (compile kernel, link, run); the
    # testbench objects come from the cache
    assert len(gate) == 1
    assert len(preprocess) == len(compile_bases(ap_include_dir(), "g++", hweval_cache / "hls")[0]) - 1 >= 2
    assert len(commands) == 9 and sum(cmd[0] == "g++" for cmd in commands) == 6
    assert not any("hweval_tb.cpp" in cmd for cmd in commands)
    include = ap_include_dir()
    assert all(include in ro for _, ro in box.calls)
    box.calls.clear()
    assert evaluate(new_fix) == Status.PASS and box.calls == []  # every build a cache hit
    assert evaluate(item.code + f"// not fixed ({token})\n") == Status.RUNTIME_ERROR
    builds = [cmd[0] for cmd, _ in box.calls if "-save-temps=obj" not in cmd and "-E" not in cmd]
    assert builds == ["g++", "g++", "./hweval_judge"]  # the symptom's build first, run under the judge


@pytest.mark.slow
def test_a_sandbox_failure_is_an_infra_error(built_items: list[HlsItem], hweval_cache: Path,
                                             local_sandbox: Sandbox, tmp_path: Path) -> None:
    suite = HlsBugsSuite(SuiteOptions())
    item = next(i for i in built_items if i.buggy and i.type != "INF")
    problem = next(p for p in suite.problems() if p.id == item.id)
    cand = suite.extract(problem, Completion(suite.name, item.id, 0, _answer(item, item.original + f"// infra {secrets.token_hex(8)}\n")))
    assert cand is not None
    verdict = suite.evaluate(problem, cand, EvalContext(sandbox=BrokenSandbox(), scratch_root=tmp_path,
                                                        cache_dir=hweval_cache))
    assert verdict.status == Status.INFRA_ERROR and "bubblewrap failed" in verdict.reason
    ctx = EvalContext(sandbox=local_sandbox, scratch_root=tmp_path, cache_dir=hweval_cache)
    assert suite.evaluate(problem, cand, ctx).status == Status.PASS  # the failure was not cached


def test_bad_include_folder_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="--hls-include"):
        HlsBugsSuite(SuiteOptions(extra={"hls_include": str(tmp_path)})).items()
