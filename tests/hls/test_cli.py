"""End to end through the real CLI: ``hweval run`` on hls-bugs and chrysalis-hls.

The CLI subprocesses share the session's HWEVAL_CACHE (see conftest), so the suite built by the
``built_items`` fixture is found there and not built again.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
from pathlib import Path
from typing import Any

import pytest

from harness.families.hls.baselines import _respond
from harness.families.hls.csim import ap_include_dir
from harness.families.hls.items import HlsItem
from tests.helpers import hweval
from tests.hls.pch import share_header_probe

STAT_KEYS = {"mean", "stderr", "ci95", "n"}
HEADLINE = ("detection_precision", "detection_recall", "detection_f1", "detection_balanced_accuracy", "detection_mcc",
            "localisation_accuracy", "type_macro_f1")


def _results(run_dir: Path, suite: str) -> tuple[dict[str, Any], dict[str, Any]]:
    res = json.loads((run_dir / "results.json").read_text())
    return res, res["suites"][suite]


def _executions(run_dir: Path) -> dict[tuple[str, int], dict[str, Any]]:
    recs = [json.loads(line) for line in (run_dir / "executions.jsonl").read_text().splitlines()]
    return {(r["problem_id"], r["sample_idx"]): r for r in recs}


@pytest.mark.slow
def test_reference_scores_perfectly(built_items: list[HlsItem], tmp_path: Path) -> None:
    out = tmp_path / "ref"
    proc = hweval("run", "--suite", "hls-bugs", "--model", "reference", "--sandbox", "local", "--out", str(out))
    assert proc.returncode == 0, proc.stderr[-3000:]
    res, s = _results(out, "hls-bugs")
    assert res["infra_errors"] == 0 and s["excluded"] == []
    assert s["n_problems"] == len(built_items) and s["status_counts"] == {"pass": len(built_items)}
    m = s["metrics"]
    for name in ("pass@1", "fix_at_exec", *HEADLINE):
        assert set(m[name]) == STAT_KEYS, name
        assert m[name]["mean"] == 1.0 and m[name]["ci95"] == [1.0, 1.0], name
    n_buggy = sum(it.buggy for it in built_items)
    assert m["fix_at_exec"]["n"] == n_buggy == m["hls"]["n_buggy"]
    assert m["hls"]["detection"] == {"tp": n_buggy, "tn": len(built_items) - n_buggy}
    assert "fix@exec" in m["hls"]["scope"]
    baseline = m["hls"]["always_buggy"]  # the "always buggy" policy on this suite, for the leaderboard
    assert baseline["detection_balanced_accuracy"] == 0.5 and baseline["detection_mcc"] == 0.0
    assert baseline["detection_f1"] == pytest.approx(2 / 3)  # half the items are controls


@pytest.mark.slow
def test_mutant_scores_low(built_items: list[HlsItem], tmp_path: Path) -> None:
    out = tmp_path / "mutant"
    proc = hweval("run", "--suite", "hls-bugs", "--model", "mutant", "--n-samples", "3", "--sandbox", "local",
                  "--out", str(out))
    assert proc.returncode == 0, proc.stderr[-3000:]
    res, s = _results(out, "hls-bugs")
    m = s["metrics"]
    assert res["infra_errors"] == 0 and s["n_samples"] == 3
    assert m["pass@1"]["mean"] == 0.0 and m["pass@3"]["mean"] == 0.0
    assert m["fix_at_exec"]["mean"] == 0.0
    assert m["localisation_accuracy"]["mean"] < 0.7 and m["type_macro_f1"]["mean"] < 0.7
    assert m["detection_precision"]["mean"] < 0.8  # false alarms on every control
    assert m["detection_balanced_accuracy"]["mean"] == 0.5 and m["detection_mcc"]["mean"] == 0.0
    for name in HEADLINE:
        assert set(m[name]) == STAT_KEYS
        lo, hi = m[name]["ci95"]
        assert lo <= m[name]["mean"] <= hi
    assert m["localisation_accuracy"]["stderr"] > 0


@pytest.mark.slow
def test_chrysalis_scores_detection_localisation_and_type_only(chrysalis_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "chrysalis"
    proc = hweval("run", "--suite", "chrysalis-hls", "--data", str(chrysalis_dir), "--model", "reference",
                  "--sandbox", "local", "--out", str(out))
    assert proc.returncode == 0, proc.stderr[-3000:]
    res, s = _results(out, "chrysalis-hls")
    m = s["metrics"]
    assert res["infra_errors"] == 0 and s["n_problems"] == 12
    for name in HEADLINE:
        assert m[name]["mean"] == 1.0, name
    assert "fix_at_exec" not in m and "fix_status" not in m["hls"]
    assert "fix@exec is not scored" in m["hls"]["scope"]
    assert (m["hls"]["chrysalis_records"], m["hls"]["chrysalis_loaded"], m["hls"]["chrysalis_skipped"]) == (13, 9, 4)
    assert m["hls"]["chrysalis_skipped_by_reason"] == {"ambiguous": 1, "bad_record": 1, "conflicting": 1, "not_found": 1}
    assert m["hls"]["chrysalis_skipped_ids"] == ["TinyBench/acc_loop/bug_OOB", "TinyBench/acc_loop/bug_ZERO_USE",
                                                 "TinyBench/clip/bug_USE", "TinyBench/vec_scale/bug_SHFT"]
    assert {p.split("/")[0] for p in s["per_problem"]} == {"TinyBench"}


def _replay(path: Path, items: list[HlsItem], tag: str) -> Path:
    """Per item: sample 0 a new correct fix, sample 1 a new wrong one (code not in any cache)."""
    with path.open("w") as fh:
        for it in items:
            fields = {"buggy": True, "line": it.spans[0][0], "type": it.types[0], "fix": None}
            for idx, code in enumerate([it.original + f"// fixed {tag}\n", it.code + f"// not fixed {tag}\n"]):
                fh.write(json.dumps({"suite": "hls-bugs", "problem_id": it.id, "sample_idx": idx,
                                     "completion": _respond("fixed", fields, code)}) + "\n")
    return path


def _check_replay_run(items: list[HlsItem], out: Path) -> None:
    res, s = _results(out, "hls-bugs")
    assert res["infra_errors"] == 0
    execs = _executions(out)
    for it in items:
        good, bad = execs[(it.id, 0)], execs[(it.id, 1)]
        assert good["status"] == "pass", (it.id, good.get("reason"))
        assert it.symptom is not None
        assert bad["status"] == it.symptom["status"], (it.id, bad.get("reason"))
    assert s["metrics"]["fix_at_exec"]["mean"] == 0.5


@pytest.mark.slow
def test_new_fixes_compile_and_run_in_the_sandbox(built_items: list[HlsItem], hls_cache: Path, tmp_path: Path) -> None:
    """Fixes that are in no cache are compiled and run by the local sandbox; ``--hls-include``
    names the ap_types folder (here a copy of hls4ml's, outside the virtual environment; the
    gate's header probe of the same headers is the session's: tests/hls/pch.py)."""
    items = [next(i for i in built_items if i.type == t) for t in ("OOB", "INIT")]
    replay = _replay(tmp_path / "replay.jsonl", items, secrets.token_hex(8))
    include = tmp_path / "vitis" / "include"
    shutil.copytree(ap_include_dir(), include)
    share_header_probe(hls_cache, include)
    out = tmp_path / "replay"
    proc = hweval("run", "--suite", "hls-bugs", "--model", f"replay:{replay}", "--n-samples", "2",
                  "--problems", ",".join(i.id for i in items), "--sandbox", "local", "--hls-include", str(include),
                  "--out", str(out))
    assert proc.returncode == 0, proc.stderr[-3000:]
    _check_replay_run(items, out)
    assert json.loads((out / "config.json").read_text())["run"]["suite_options"]["hls_include"] == str(include)


def test_missing_include_folder_exits_2(tmp_path: Path) -> None:
    proc = hweval("run", "--suite", "hls-bugs", "--model", "reference", "--hls-include", str(tmp_path / "nope"),
                  "--out", str(tmp_path / "run"))
    assert proc.returncode == 2 and "--hls-include" in proc.stderr


@pytest.mark.slow
@pytest.mark.docker
def test_new_fixes_in_the_docker_sandbox(built_items: list[HlsItem], tmp_path: Path) -> None:
    from harness.sandbox.docker import DockerSandbox

    sb = DockerSandbox()
    ok, why = sb.check()
    if not ok:
        if os.environ.get("HWEVAL_REQUIRE_DOCKER") != "1":
            pytest.skip(f"docker sandbox unavailable: {why}")
        pytest.fail(why)
    probe = sb.run(["/bin/sh", "-c", "cp /bin/true ./t && ./t"], workdir=tmp_path / "probe")
    ro = tmp_path / "ro"
    ro.mkdir()
    (ro / "f").write_text("x")
    seen = [sb.run(["/bin/cat", str(ro / "f")], workdir=tmp_path / f"p{i}", ro_paths=[ro]).stdout for i in range(2)]
    sb.close()
    # compiled programs run from scratch, and read-only paths under /tmp survive container reuse
    assert probe.returncode == 0, probe.stderr
    assert seen == ["x", "x"]
    items = [next(i for i in built_items if i.type == t) for t in ("OOB", "INF")]
    replay = _replay(tmp_path / "replay.jsonl", items, secrets.token_hex(8))
    out = tmp_path / "docker"
    proc = hweval("run", "--suite", "hls-bugs", "--model", f"replay:{replay}", "--n-samples", "2",
                  "--problems", ",".join(i.id for i in items), "--sandbox", "docker", "--out", str(out),
                  "-S", "timeout=4")
    assert proc.returncode == 0, proc.stderr[-3000:]
    _check_replay_run(items, out)
