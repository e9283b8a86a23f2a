"""Round metrics in-process: an infra error in a later round does not erase the rounds the sample
was judged in before (red team 6: a round-2 infra error made a round-1 failure vanish from
``pass@1@r1``, which then read 1.0 instead of 0.5)."""
from __future__ import annotations

from harness.multiturn.metrics import round_metrics
from harness.results import ExecutionRecord


def rec(pid: str, idx: int, rnd: int, status: str) -> ExecutionRecord:
    return ExecutionRecord("s", pid, idx, f"{pid}-{idx}-{rnd}", status, round=rnd)


def test_infra_error_in_round_two_keeps_the_round_one_failure() -> None:
    records = [rec("a", 0, 1, "pass"),
               rec("b", 0, 1, "fail"), rec("b", 0, 2, "infra_error")]
    m = round_metrics(records, ["a", "b"], seed=0, rounds=2)
    assert m["pass@1@r1"]["mean"] == 0.5  # b was judged in round 1 and failed
    assert m["pass@1@r2"]["mean"] == 1.0  # b's round 2 was never judged: out, as in the run's pass@1


def test_infra_error_in_round_one_is_out_of_every_round_and_passes_count_from_their_round() -> None:
    records = [rec("a", 0, 1, "infra_error"), rec("a", 1, 1, "fail"), rec("a", 1, 2, "pass"),
               rec("b", 0, 1, "fail"), rec("b", 0, 2, "fail"), rec("b", 0, 3, "fail")]
    m = round_metrics(records, ["a", "b"], seed=0, rounds=3)
    assert m["pass@1@r1"]["mean"] == 0.0
    assert m["pass@1@r2"]["mean"] == 0.5 and m["pass@1@r3"]["mean"] == 0.5
    assert m["mean_rounds_to_pass"]["mean"] == 2.0
    assert m["tokens_per_solved"] == 0.0
