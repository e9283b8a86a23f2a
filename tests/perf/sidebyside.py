"""Side-by-side overhead benchmarks (issue 22): the same distinct candidates through the raw tools
and through hweval, with the same parallelism, interleaved and repeated in one run.

Candidates are problem references made distinct by a per-sample ``localparam`` (a token, not a
comment: no deduplication or verdict cache can collapse them). The raw loops do what the
benchmarks' own evaluators do and nothing more:

- Verilog testbench (VerilogEval's flow): ``iverilog -Wall -Winfloop -Wno-timescale -g2012 -s tb
  -o test.vvp test.sv ref.sv answer.sv``, then ``vvp -n test.vvp``, read ``Mismatches: 0``;
- cocotb: ``rawsim.py`` (cocotb's runner: build, test, read the results XML), one process per
  candidate as cocotb's own flow starts it;
- HLS C-simulation: ``g++`` with the suite's flags on the fixed kernel and the testbench, then run.
"""
from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from harness.proc import run_process
from tests.helpers import ROOT

WORKERS = int(os.environ.get("HWEVAL_BENCH_WORKERS", "2"))
V2 = ROOT / "tests" / "verilogeval" / "fixtures" / "v2"
V2_PROBLEMS = ("Prob001_and2", "Prob002_dff8r", "Prob004_longstim")  # the fixtures whose reference passes
IVERILOG = ["iverilog", "-Wall", "-Winfloop", "-Wno-timescale", "-g2012", "-s", "tb", "-o", "test.vvp"]


@dataclass(frozen=True)
class Cand:
    problem: str
    sample: int
    code: str


def distinct(problem: str, reference: str, n: int, tag: str = "") -> list[Cand]:
    """``n`` copies of ``reference``, each with its own localparam before the last ``endmodule``
    (``tag`` makes them differ from another round's too, so no cache of an earlier run answers)."""
    cut = reference.rindex("endmodule")
    return [Cand(problem, i, reference[:cut] + f"  localparam HWEVAL_SAMPLE{tag}_{i} = {i};\n" + reference[cut:])
            for i in range(n)]


def write_replay(path: Path, suite: str, cands: Sequence[Cand], lang: str = "verilog") -> Path:
    with path.open("w") as fh:
        for c in cands:
            fh.write(json.dumps({"suite": suite, "problem_id": c.problem, "sample_idx": c.sample,
                                 "completion": f"```{lang}\n{c.code}\n```"}) + "\n")
    return path


def parallel(items: Sequence[object], one: Callable[[object], bool]) -> tuple[float, int]:
    """(wall seconds, how many passed) of ``one`` over ``items`` on ``WORKERS`` threads."""
    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        passed = sum(pool.map(one, items))
    return time.monotonic() - start, passed


# -- VerilogEval-style testbench ---------------------------------------------------------------
def v2_candidates(per_problem: int, tag: str = "") -> list[Cand]:
    folder = V2 / "dataset_spec-to-rtl"
    out: list[Cand] = []
    for pid in V2_PROBLEMS:
        ref = (folder / f"{pid}_ref.sv").read_text().replace("RefModule", "TopModule")
        out += distinct(pid, ref, per_problem, tag)
    return out


def raw_iverilog(cands: Sequence[Cand], root: Path) -> tuple[float, int]:
    folder = V2 / "dataset_spec-to-rtl"
    tests = {pid: (folder / f"{pid}_test.sv").read_text() for pid in V2_PROBLEMS}
    refs = {pid: (folder / f"{pid}_ref.sv").read_text() for pid in V2_PROBLEMS}

    def one(c: object) -> bool:
        assert isinstance(c, Cand)
        d = Path(tempfile.mkdtemp(dir=root))
        (d / "test.sv").write_text(tests[c.problem])
        (d / "ref.sv").write_text(refs[c.problem])
        (d / "answer.sv").write_text(c.code)
        comp = run_process([*IVERILOG, "test.sv", "ref.sv", "answer.sv"], cwd=d, timeout_s=60)
        if comp.returncode != 0:
            return False
        sim = run_process(["vvp", "-n", "test.vvp"], cwd=d, timeout_s=60)
        return re.search(r"Mismatches: 0 in", sim.stdout) is not None

    return parallel(cands, one)


# -- hweval's evaluation path in this process ---------------------------------------------------
class Evaluator:
    """hweval's evaluation of a suite's candidates (``harness.execute.judge``: extraction, the
    suite's evaluator, the bubblewrap sandbox with warm workers, every integrity check), on
    ``WORKERS`` threads: what ``hweval run`` does per candidate, without its start-up, journal
    and results."""

    def __init__(self, suite: str, data: Path | None, options: dict[str, str]) -> None:
        from harness.registry import load
        from harness.sandbox.local import BubblewrapSandbox
        from harness.suite import EvalContext, SuiteOptions

        self.name = suite
        self.suite = load("suites", suite)(SuiteOptions(data=str(data) if data else None, extra=options))
        self.problems = {p.id: p for p in self.suite.problems()}
        self.ctx = EvalContext(sandbox=BubblewrapSandbox())

    def run(self, cands: Sequence[Cand], lang: str = "verilog") -> tuple[float, int]:
        from harness.execute import judge
        from harness.types import Completion, Status

        def one(c: object) -> bool:
            assert isinstance(c, Cand)
            comp = Completion(self.name, c.problem, c.sample, f"```{lang}\n{c.code}\n```")
            return judge(self.suite, self.problems[c.problem], comp, self.ctx)[1].status == Status.PASS

        return parallel(cands, one)

    def close(self) -> None:
        self.ctx.sandbox.close()


# -- cocotb (verilog-core) ------------------------------------------------------------------------
CORE_PROBLEMS = ("and_gate", "mux4_w8", "decoder3to8", "parity16", "bin2gray8", "cmp8", "abs_diff8")


def core_candidates(per_problem: int, tag: str = "") -> tuple[list[Cand], dict[str, tuple[str, str]]]:
    """Distinct references of small verilog-core problems, and each problem's (tb.py, top)."""
    from benchmarks.verilog_core import VerilogCoreSuite

    out: list[Cand] = []
    tbs: dict[str, tuple[str, str]] = {}
    for p in VerilogCoreSuite().problems():
        if p.id in CORE_PROBLEMS and p.reference:
            out += distinct(p.id, p.reference, per_problem, tag)
            tbs[p.id] = (p.data["tb"], p.data["top"])
    return out, tbs


def raw_cocotb(cands: Sequence[Cand], tbs: dict[str, tuple[str, str]], root: Path) -> tuple[float, int]:
    def one(c: object) -> bool:
        assert isinstance(c, Cand)
        d = Path(tempfile.mkdtemp(dir=root))
        (d / "design.v").write_text(c.code)
        (d / "tb.py").write_text(tbs[c.problem][0])
        res = run_process([sys.executable, str(Path(__file__).with_name("rawsim.py")), str(d / "design.v"),
                           str(d / "tb.py"), tbs[c.problem][1]], timeout_s=300)
        return res.stdout.strip() == "PASS"

    return parallel(cands, one)


# -- HLS C-simulation (hls-bugs fixes) --------------------------------------------------------------
def hls_candidates(n_items: int, per_item: int, tag: str = "") -> tuple[list[Cand], dict[str, Path], list[str]]:
    """Reference fixes of the first ``n_items`` hls-bugs items (one per kernel), each sample with its
    own trailing comment; (candidates, item -> testbench path, replay lines)."""
    from harness.families.hls.answer import parse_answer
    from harness.registry import load
    from harness.suite import SuiteOptions

    suite = load("suites", "hls-bugs")(SuiteOptions())
    seen: set[str] = set()
    cands: list[Cand] = []
    tbs: dict[str, Path] = {}
    lines: list[str] = []
    for p in suite.problems():
        kernel = p.id.split("/")[0]
        if kernel in seen or len(seen) >= n_items:
            continue
        item = suite.items()[p.id]
        response = suite.reference_response(p)
        ans = parse_answer(response)
        if item.tb_path is None or ans is None or not ans.fix:
            continue
        seen.add(kernel)
        tbs[p.id] = item.tb_path
        for i in range(per_item):
            fix = ans.fix.rstrip("\n") + f"\n// sample {tag} {i}\n"
            cands.append(Cand(p.id, i, fix))
            lines.append(json.dumps({"suite": "hls-bugs", "problem_id": p.id, "sample_idx": i,
                                     "completion": response.replace(ans.fix.rstrip("\n"), fix.rstrip("\n"))}))
    return cands, tbs, lines


def raw_hls(cands: Sequence[Cand], tbs: dict[str, Path], root: Path) -> tuple[float, int]:
    """hweval's own C-simulation builds (every build, testbench objects and precompiled headers cached
    as hweval caches them) run directly: no sandbox, no integrity gate, no verdict."""
    from harness.families.hls.csim import csim, direct_runner

    cache = root / "cache"

    def one(c: object) -> bool:
        assert isinstance(c, Cand)
        res = csim(c.code, tbs[c.problem], Path(tempfile.mkdtemp(dir=root)), cache=cache, runner=direct_runner,
                   stop_on_failure=True)
        return res.passed

    return parallel(cands, one)


# -- hweval through its command line -------------------------------------------------------------
@dataclass
class Run:
    wall_s: float
    peak_rss_mb: float  # the largest resident set of the command or any process it waited for
    counts: dict[str, int]


def hweval_run(args: Sequence[str], out: Path, env: dict[str, str] | None = None) -> Run:
    """One real ``hweval run`` (a subprocess, as a user starts it): wall time, peak RSS, statuses."""
    full_env = {**os.environ, "HWEVAL_NO_PROGRESS": "1", **(env or {})}
    log = out.with_suffix(".log")
    start = time.monotonic()
    with log.open("wb") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "harness.cli", *args, "--workers", str(WORKERS),
                                 "--out", str(out)], stdout=fh, stderr=subprocess.STDOUT, env=full_env, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - start
    assert proc.returncode == 0, log.read_text()[-3000:]
    counts: dict[str, int] = {}
    for line in (out / "executions.jsonl").read_text().splitlines():
        st = json.loads(line)["status"]
        counts[st] = counts.get(st, 0) + 1
    return Run(wall, usage.ru_maxrss / 1024, counts)


@dataclass
class Side:
    """Walls of one side over the interleaved rounds: the full set and the one-per-problem set."""

    full: list[float]
    small: list[float]

    def median(self) -> float:
        return statistics.median(self.full)

    def marginal(self) -> float:
        """What the candidates beyond one per problem cost (fixed start-up and per-problem work out)."""
        return statistics.median(self.full) - statistics.median(self.small)


def report(name: str, n: int, n_small: int, raw: Side, ours: Side) -> tuple[float, float]:
    """Print both sides; return (ratio of the whole walls, ratio of the marginal walls)."""
    total, marginal = ours.median() / raw.median(), ours.marginal() / raw.marginal()
    print(f"\n[perf] {name}: {n} distinct candidates ({n_small} in the small run), {WORKERS} workers, "
          f"{len(raw.full)} interleaved rounds")
    for label, side in (("raw tools", raw), ("hweval", ours)):
        print(f"[perf]   {label:9s}: {' '.join(f'{x:.2f}' for x in side.full)} s (median {side.median():.2f}); "
              f"small run {statistics.median(side.small):.2f} s; {1000 * side.marginal() / (n - n_small):.1f} "
              f"ms per further candidate")
    print(f"[perf]   ratio hweval/raw: whole run {total:.3f}, per further candidate {marginal:.3f}")
    return total, marginal
