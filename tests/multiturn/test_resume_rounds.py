"""--resume after kill -9 in the middle of a repair round loses nothing and asks nothing twice."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.backends.backend_fixtures import Action, FakeServer, Seen, openai_reply
from tests.helpers import ROOT
from tests.multiturn.scripted import RIGHT_AND, WRONG_AND, fenced, jsonl, metrics, model_args, user_turns


def _answer(r: int, seed: int) -> str:
    """Round 1 wrong for all; round 2 right for even samples; round 3 right for all."""
    return RIGHT_AND if r >= 3 or (r == 2 and seed % 2 == 0) else WRONG_AND


def _slow_server() -> FakeServer:
    def respond(server: FakeServer, seen: Seen) -> Action:
        n, seed, r = int(seen.body.get("n", 1)), int(seen.body.get("seed", 0)), user_turns(seen.body)
        if r > 1:
            time.sleep(0.6)  # repair answers trickle in: the kill lands mid-round
        return openai_reply([fenced(_answer(r, seed + k)) for k in range(n)])

    return FakeServer(respond).start()


def _run(out: Path, server: FakeServer) -> subprocess.Popen[bytes]:
    args = ["run", "--suite", "verilog-core", "--problems", "and_gate", "--n-samples", "4", "--rounds", "3",
            *model_args(server), "--max-connections", "1", "--workers", "1", "--out", str(out), "--resume"]
    return subprocess.Popen([sys.executable, "-m", "harness.cli", *args], cwd=ROOT,
                            env={**os.environ, "HWEVAL_NO_PROGRESS": "1"}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)


def _round2_lines(out: Path) -> list[dict]:
    return [c for c in jsonl(out / "completions.jsonl") if c["round"] == 2]


@pytest.mark.slow  # two real `hweval run` processes (one killed) that simulate every answer
def test_kill9_mid_round_then_resume_loses_nothing(tmp_path: Path) -> None:
    server = _slow_server()
    out = tmp_path / "run"
    try:
        proc = _run(out, server)
        deadline = time.monotonic() + 300
        while not _round2_lines(out) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert proc.poll() is None, "the run ended before round 2 was under way"
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        before = _round2_lines(out)
        assert 1 <= len(before) < 4, "the kill should land mid-round"

        proc = _run(out, server)
        assert proc.wait(timeout=600) == 0, proc.stderr.read().decode() if proc.stderr else ""
        comps, execs = jsonl(out / "completions.jsonl"), jsonl(out / "executions.jsonl")
        ckeys = [(c["sample_idx"], c["round"]) for c in comps]
        ekeys = [(e["sample_idx"], e["round"]) for e in execs]
        expected = {(i, 1) for i in range(4)} | {(i, 2) for i in range(4)} | {(1, 3), (3, 3)}
        assert len(ckeys) == len(set(ckeys)) and set(ckeys) == expected
        assert len(ekeys) == len(set(ekeys)) and set(ekeys) == expected
        for line in before:  # journaled before the kill: kept as written, never asked again
            assert line in comps
            asked = [b for b in server.bodies("/chat/completions") if user_turns(b) == 2
                     and b.get("seed") == line["sample_idx"]]
            assert len(asked) == 1
        m = metrics(out)
        assert (m["pass@1@r1"]["mean"], m["pass@1@r2"]["mean"], m["pass@1@r3"]["mean"]) == (0.0, 0.5, 1.0)
        assert m["mean_rounds_to_pass"]["mean"] == 2.5
    finally:
        server.stop()
