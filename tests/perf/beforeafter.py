"""Before and after a change, on the same machine at the same time: the raw iverilog+vvp loop,
``hweval run`` from another tree (say the commit before a change) and ``hweval run`` from this
one, on the same number of distinct candidates, in rounds whose side order rotates, each side
measured with :mod:`tests.perf.loadmeter`.

    git archive <commit> | (mkdir -p /tmp/old && tar -x -C /tmp/old)
    .venv/bin/python -m tests.perf.beforeafter /tmp/old --per-problem 300 --rounds 3

Prints every side's wall, load and CPU time, then per tree the rounds' ratios to the raw loop and
their median (the measure ``test_whole_run_against_raw_iverilog`` asserts).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.helpers import ROOT
from tests.perf import loadmeter
from tests.perf import sidebyside as sb


def _hweval(tree: Path, cands: list[sb.Cand], per: int, out: Path) -> None:
    replay = sb.write_replay(out.with_suffix(".jsonl"), "verilogeval-v2-spec", cands)
    args = ["run", "--suite", "verilogeval-v2-spec", "--data", str(sb.V2), "--model", f"replay:{replay}",
            "--n-samples", str(per), "--problems", ",".join(sb.V2_PROBLEMS), "-S", "synth=off", "-S", "lint=off",
            "-S", "validate=off", "-S", "verdict_cache=off", "-S", "dedup=off", "--workers", str(sb.WORKERS),
            "--out", str(out)]
    env = {**os.environ, "HWEVAL_NO_PROGRESS": "1", "PYTHONPATH": str(tree)}
    proc = subprocess.run([sys.executable, "-m", "harness.cli", *args], cwd=tree, env=env, capture_output=True,
                          text=True)
    if proc.returncode != 0:
        raise SystemExit(f"hweval run in {tree} failed: {proc.stderr[-2000:]}")
    passed = sum('"status":"pass"' in line for line in (out / "executions.jsonl").read_text().splitlines())
    if passed != len(cands):
        raise SystemExit(f"hweval run in {tree}: {passed} of {len(cands)} passed")


def _raw(cands: list[sb.Cand], root: Path) -> None:
    with tempfile.TemporaryDirectory(dir=root) as tmp:
        _, passed = sb.raw_iverilog(cands, Path(tmp))
    if passed != len(cands):
        raise SystemExit(f"raw loop: {passed} of {len(cands)} passed")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m tests.perf.beforeafter", description=__doc__.split("\n\n")[0])
    ap.add_argument("old", type=Path, help="another tree of the repository (e.g. from git archive)")
    ap.add_argument("--per-problem", type=int, default=300, help="candidates per problem (3 problems)")
    ap.add_argument("--rounds", type=int, default=3)
    opts = ap.parse_args(argv)
    if not (opts.old / "harness" / "cli.py").is_file():
        ap.error(f"{opts.old}: not a tree of the repository (no harness/cli.py)")
    work = Path(tempfile.mkdtemp(prefix="hweval-beforeafter-"))
    tag = os.urandom(3).hex()
    walls: dict[str, list[float]] = {"raw": [], "old": [], "new": []}
    trees = {"old": opts.old.resolve(), "new": ROOT}
    for r in range(opts.rounds):
        order = ["raw", "old", "new"]
        for side in order[r % 3:] + order[:r % 3]:
            cands = sb.v2_candidates(opts.per_problem, tag=f"{tag}r{r}{side}")
            with loadmeter.measure() as m:
                if side == "raw":
                    _raw(cands, work)
                else:
                    _hweval(trees[side], cands, opts.per_problem, work / f"{side}{r}")
            walls[side].append(m.wall_s)
            print(f"round {r} {side}: {m.text()}", flush=True)
    for side in ("old", "new"):
        ratios, median = loadmeter.paired_ratios(walls["raw"], walls[side])
        print(f"{side} / raw: rounds {' '.join(f'{x:.3f}' for x in ratios)}, median {median:.3f}")


if __name__ == "__main__":
    main()
