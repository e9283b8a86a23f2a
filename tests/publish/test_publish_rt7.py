"""Red team round 7, S1: ``publish`` took a run's ``excluded`` list (problems "whose reference
failed validation") from the results.json under check, so moving a failing problem there raised
the score with the journal untouched; and nothing in the journal is authenticated, so flipping its
statuses (results.json rewritten to match) passed every consistency check.

Now the lists are checked (:mod:`harness.publish.scope`): a not-run problem has no evaluated
samples, every scored problem has all its samples, the run's settings select exactly the problems
covered, and each exclusion's reference is run again here. ``publish --rescore``
(:mod:`harness.publish.rescore`) trusts no verdict of the folder at all.
"""
from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from harness.errors import UsageError
from harness.publish.leaderboard import build, refusal_reasons
from harness.publish.scope import PublishChecks
from harness.results import read_executions
from tests.helpers import fenced, hweval

from .runs import write_run

SUITE = "verilog-core"
AND_GATE = "module and_gate(input a, input b, output y);\n  assign y = a & b;\nendmodule"
BROKEN = "module abs_diff8(input [7:0] a, b, output [7:0] d);\n  assign d = a - ;\nendmodule"  # syntax error


def _entry(pid: str, status: str = "fail") -> dict[str, str]:
    return {"problem_id": pid, "status": status, "reason": "reference failed its own tests"}


def _edit_results(run: Path, **suite_fields: Any) -> None:
    path = run / "results.json"
    doc = json.loads(path.read_text())
    for s in doc["suites"].values():
        s.update(suite_fields)
    path.write_text(json.dumps(doc))


# -- the lists against the journal (no tools: a suite not installed here) -------------------

def test_a_not_run_problem_with_evaluated_samples_is_refused(tmp_path: Path) -> None:
    run = write_run(tmp_path / "r", "m", {"p1": (1, 1), "p2": (1, 0)})
    _edit_results(run, not_run=[_entry("p2", "infra_error")], n_not_run=1)
    reasons = refusal_reasons(run)
    assert any(r.startswith(f"{run}: suite toy-suite: problem p2 is listed as not run") for r in reasons), reasons


def test_a_problem_in_both_lists_is_refused(tmp_path: Path) -> None:
    run = write_run(tmp_path / "r", "m", {"p1": (1, 1)}, excluded=[_entry("p9")])
    _edit_results(run, not_run=[_entry("p9", "infra_error")], n_not_run=1)
    assert any("problem p9 is listed both as excluded and as not run" in r for r in refusal_reasons(run))


def test_a_scored_problem_missing_samples_is_refused(tmp_path: Path) -> None:
    run = write_run(tmp_path / "r", "m", {"p1": (2, 2), "p2": (1, 1)})  # the run asked for 2 samples
    assert any("problem p2 has 1 of the run's 2 samples" in r for r in refusal_reasons(run))


def test_an_exclusion_that_cannot_be_checked_here_is_refused(tmp_path: Path) -> None:
    """The red team's shape on a suite not installed here: the excluded problem has samples."""
    run = write_run(tmp_path / "r", "m", {"p1": (1, 1), "p2": (1, 0)}, excluded=[_entry("p2")])
    reasons = refusal_reasons(run)
    assert any("cannot confirm the exclusion of problem p2" in r and r.startswith(str(run)) for r in reasons), reasons
    with pytest.raises(UsageError, match="refusing to publish"):
        build([run])


def test_a_selected_problem_missing_from_journal_and_lists_is_refused(tmp_path: Path) -> None:
    """The suite is installed here: the run's settings select two problems, the files cover one."""
    run = write_run(tmp_path / "r", "m", {"and_gate": (1, 1)}, suite=SUITE, problems=["and_gate", "abs_diff8"])
    reasons = refusal_reasons(run)
    assert any(r.startswith(f"{run}: suite {SUITE}: problem abs_diff8 is selected by the run's settings but "
                            "neither scored") for r in reasons), reasons


def test_an_honest_run_is_still_published(tmp_path: Path) -> None:
    run = write_run(tmp_path / "r", "m", {"p1": (2, 1), "p2": (2, 0)})
    assert refusal_reasons(run) == []
    assert build([run]).doc["rows"][0]["metrics"]["pass@1"]["mean"] == 0.25


# -- a real verilog-core run ----------------------------------------------------------------

@pytest.fixture(scope="module")
def base_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """and_gate answered right, abs_diff8 with a syntax error: pass@1 0.5."""
    root = tmp_path_factory.mktemp("rt7-publish")
    replay = root / "mix.jsonl"
    replay.write_text("".join(json.dumps({"suite": SUITE, "problem_id": pid, "sample_idx": 0,
                                          "completion": fenced(code)}) + "\n"
                              for pid, code in (("and_gate", AND_GATE), ("abs_diff8", BROKEN))))
    out = root / "base"
    hweval("run", "--suite", SUITE, "--model", f"replay:{replay}", "--problems", "and_gate,abs_diff8",
           "--workers", "2", "--out", str(out), check=True)
    return out


def _forge(base: Path, dst: Path, *, flip: bool = False, exclude: tuple[str, ...] = (),
           drop: tuple[str, ...] = ()) -> Path:
    """A copy of ``base`` with the journal edited (statuses flipped to pass, problems dropped) and
    results.json recomputed by the harness's own summary code over the problems it then scores."""
    from harness.publish.verify import _family_metrics
    from harness.summary import final_records, generic_scores

    shutil.copytree(base, dst)
    lines = [json.loads(line) for line in (dst / "executions.jsonl").read_text().splitlines()]
    lines = [{**rec, "status": "pass"} if flip else rec for rec in lines if rec["problem_id"] not in drop]
    (dst / "executions.jsonl").write_text("".join(json.dumps(rec) + "\n" for rec in lines))
    doc = json.loads((dst / "results.json").read_text())
    run = doc["config"]["run"]
    s = doc["suites"][SUITE]
    recs = list(read_executions(dst))
    scored = sorted({r.problem_id for r in recs} - set(exclude))
    actual = generic_scores(recs, scored, int(run.get("seed") or 0))
    family = _family_metrics(SUITE, run, final_records(recs), scored)
    assert isinstance(family, dict)
    s.update(metrics=json.loads(json.dumps({**actual["metrics"], **family}, default=str)),
             per_problem=actual["per_problem"], n_problems=len(scored), n_excluded=len(exclude),
             excluded=[_entry(p) for p in exclude], excluded_by_reason={"fail": len(exclude)} if exclude else {},
             status_counts=dict(sorted(Counter(r.status for r in final_records(recs)).items())))
    (dst / "results.json").write_text(json.dumps(doc))
    return dst


@pytest.mark.slow
def test_the_real_run_publishes_and_rescores_to_the_same_numbers(base_run: Path, tmp_path: Path) -> None:
    plain = build([base_run]).doc["rows"][0]
    again = build([base_run], checks=PublishChecks(rescore=True, workers=2)).doc["rows"][0]
    assert plain["metrics"]["pass@1"]["mean"] == again["metrics"]["pass@1"]["mean"] == 0.5
    assert plain["status_counts"] == again["status_counts"] == {"pass": 1, "syntax_error": 1}
    assert plain["settings_hash"] == again["settings_hash"]


@pytest.mark.slow
def test_a_forged_exclusion_is_refused_by_plain_publish(base_run: Path, tmp_path: Path) -> None:
    forged = _forge(base_run, tmp_path / "forged", exclude=("abs_diff8",))
    proc = hweval("publish", str(forged), "--fresh", "--out", str(tmp_path / "lb.json"))
    assert proc.returncode == 2
    assert (f"{forged}: suite {SUITE}: problem abs_diff8 is excluded as if its reference failed validation, "
            "but its reference passes here") in proc.stderr
    assert not (tmp_path / "lb.json").exists()


@pytest.mark.slow
def test_a_problem_dropped_from_journal_and_results_is_refused(base_run: Path, tmp_path: Path) -> None:
    forged = _forge(base_run, tmp_path / "dropped", drop=("abs_diff8",))
    reasons = refusal_reasons(forged)
    assert any("problem abs_diff8 is selected by the run's settings but neither scored" in r for r in reasons), reasons


@pytest.mark.slow
def test_a_forged_journal_is_refused_by_rescore(base_run: Path, tmp_path: Path) -> None:
    """Flipped statuses with a matching results.json are consistent: plain publish cannot tell (the
    journal is the submitter's file); --rescore re-evaluates and names the sample."""
    forged = _forge(base_run, tmp_path / "flipped", flip=True)
    assert refusal_reasons(forged) == []  # the documented limit of plain publish
    proc = hweval("publish", str(forged), "--rescore", "--workers", "2", "--fresh", "--out", str(tmp_path / "lb.json"))
    assert proc.returncode == 2
    assert (f"{forged}: --rescore: suite {SUITE}: problem abs_diff8 sample 0: executions.jsonl says pass, "
            "re-evaluated here: syntax_error") in proc.stderr


@pytest.mark.slow
def test_a_true_exclusion_is_confirmed_and_published(tmp_path: Path) -> None:
    """VerilogEval's fixture has a problem whose reference fails: the run excludes it, publish runs
    that reference again, finds it failing, and publishes; moved away from its data, the exclusion
    cannot be confirmed and the run is refused."""
    from tests.verilogeval.conftest import V2

    data = tmp_path / "v2"
    shutil.copytree(V2, data)
    out = tmp_path / "ref"
    hweval("run", "--suite", "verilogeval-v2-spec", "--data", str(data), "--model", "reference", "--out", str(out),
           "--workers", "2", check=True)
    row = build([out]).doc["rows"][0]
    assert row["scope"]["n_excluded"] == 1 and row["metrics"]["pass@1"]["mean"] == 1.0
    shutil.rmtree(data)
    reasons = refusal_reasons(out)
    assert any("cannot confirm the exclusion of problem Prob003_badref" in r for r in reasons), reasons
