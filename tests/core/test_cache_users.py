"""The family caches write through :mod:`harness.cache`: each entry is whole (readable JSON or a
complete folder, no temporary file left), is read back by the next call, a damaged entry is a
miss that is written again, and two processes filling the same entry at once leave one valid
entry. Each cache is driven through the function the family calls."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.api import load_sandbox
from harness.families.verilog import isolation
from harness.families.verilog.loaders import TestbenchVerilogSuite
from harness.families.verilog.synth import reference_synthesis
from harness.sandbox.base import Limits
from harness.suite import EvalContext
from harness.types import Candidate, Problem, Prompt

ROOT = Path(__file__).resolve().parents[2]
AND2 = "module t(input a, input b, output y);\n  assign y = a & b;\nendmodule\n"


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def assert_no_temporaries(root: Path) -> None:
    stray = [p for p in root.rglob("*") if p.name.startswith(".") or p.suffix == ".tmp"]
    assert stray == [], stray


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[EvalContext]:
    context = EvalContext(sandbox=load_sandbox("local"), limits=Limits(wall_s=120), cache_dir=tmp_path / "cache")
    yield context
    context.sandbox.close()


def two_processes(script: str, cwd: Path) -> list[str]:
    """Run ``script`` in two Python processes at once; their stdout lines."""
    procs = [subprocess.Popen([sys.executable, "-c", textwrap.dedent(script)], cwd=cwd, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
             for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    for p, (_, err) in zip(procs, outs):
        assert p.returncode == 0, err
    return [out.strip() for out, _ in outs]


# -- Verilog: reference synthesis ------------------------------------------------------------------
@pytest.mark.slow
def test_reference_synthesis_entry_is_written_whole_and_read_back(ctx: EvalContext) -> None:
    assert ctx.cache_dir is not None
    first = reference_synthesis(AND2, "t", ctx)
    assert first.synthesizable and first.cells
    [entry] = files_under(ctx.cache_dir / "synth")
    assert entry.parent == ctx.cache_dir / "synth"  # a flat JsonCache, as before
    assert json.loads(entry.read_text()) == first.to_json()
    assert_no_temporaries(ctx.cache_dir)
    entry.write_text(json.dumps({**first.to_json(), "cells": 999}))
    assert reference_synthesis(AND2, "t", ctx).cells == 999  # the next call reads the entry
    entry.write_text('{"synthesizable": tr')
    assert reference_synthesis(AND2, "t", ctx).cells == first.cells  # damaged: computed again
    rewritten = json.loads(entry.read_text())
    assert rewritten["cells"] == first.cells and rewritten["by_type"] == first.by_type


@pytest.mark.slow
def test_reference_synthesis_two_processes_share_one_entry(tmp_path: Path) -> None:
    script = f"""
        from pathlib import Path
        from harness.api import load_sandbox
        from harness.families.verilog.synth import reference_synthesis
        from harness.sandbox.base import Limits
        from harness.suite import EvalContext
        ctx = EvalContext(sandbox=load_sandbox("local"), limits=Limits(wall_s=120), cache_dir=Path("cache"))
        print(reference_synthesis({AND2!r}, "t", ctx).cells)
        ctx.sandbox.close()
    """
    cells = two_processes(script, tmp_path)
    assert cells[0] == cells[1] and int(cells[0]) > 0
    [entry] = files_under(tmp_path / "cache" / "synth")
    assert json.loads(entry.read_text())["cells"] == int(cells[0])
    assert_no_temporaries(tmp_path / "cache")


# -- Verilog: golden runs of testbench suites -------------------------------------------------------
class _TbSuite(TestbenchVerilogSuite):
    name = "hwevaltest-tb"

    def prompt(self, problem: Problem) -> Prompt:
        return Prompt.user("")


def _golden(ctx: EvalContext, code: str, samples: int) -> Any:
    problem = Problem("hwevaltest-tb", "p", reference=AND2, data={"tb": {"files": {"tb.v": "// tb"}}, "top": "t"})
    # the candidate is the reference: what its own run reported is the golden result; any
    # other candidate would need the reference simulated (tb=None here: it must come from the cache)
    return _TbSuite()._golden(problem, None, Candidate(code), {"samples": samples}, ctx)  # type: ignore[arg-type]


def test_golden_runs_entry_is_written_whole_and_read_back(tmp_path: Path) -> None:
    ctx = EvalContext(sandbox=load_sandbox("none"), cache_dir=tmp_path / "cache")
    assert _golden(ctx, AND2, 7) == {"samples": 7, "watchdog": False}
    [entry] = files_under(tmp_path / "cache" / "golden-runs")
    assert json.loads(entry.read_text()) == {"found": {"samples": 7, "watchdog": False}}
    assert_no_temporaries(tmp_path / "cache")
    assert _golden(ctx, "module other; endmodule", 0) == {"samples": 7, "watchdog": False}  # a new suite reads it
    entry.write_text('{"found": {"sam')
    assert _golden(ctx, AND2, 9) == {"samples": 9, "watchdog": False}  # damaged: a miss, written again
    assert json.loads(entry.read_text()) == {"found": {"samples": 9, "watchdog": False}}


def test_golden_runs_key_follows_the_testbench(tmp_path: Path) -> None:
    ctx = EvalContext(sandbox=load_sandbox("none"), cache_dir=tmp_path / "cache")
    _golden(ctx, AND2, 7)
    problem = Problem("hwevaltest-tb", "p", reference=AND2, data={"tb": {"files": {"tb.v": "// tb 2"}}, "top": "t"})
    assert _TbSuite()._golden(problem, None, Candidate(AND2), {"samples": 3}, ctx) == {"samples": 3, "watchdog": False}
    assert len(files_under(tmp_path / "cache" / "golden-runs")) == 2


# -- Verilog: trusted-source isolation (in-process, keyed by key_of) ---------------------------------
def test_isolation_reuses_a_prepared_set_only_for_the_same_inputs() -> None:
    files = {"wrap.v": "module wrap(input a, output y);\n  t dut(.a(a), .b(a), .y(y));\n  wire secret;\nendmodule\n"}
    first = isolation.prepare(files, ["wrap.v"], "wrap", ["t"])
    assert isolation.prepare(dict(files), ["wrap.v"], "wrap", ["t"]) is first
    other = isolation.prepare(files, ["wrap.v"], "wrap", ["t", "secret"])  # kept: a different key
    assert other is not first
    assert f"wire secret{first.tag};" in first.files["wrap.v"] and "wire secret;" in other.files["wrap.v"]


# -- kernels: reference cases (a folder per entry) ---------------------------------------------------
_CASES = """
    from pathlib import Path
    from harness.families.kernels.cases import reference_cases
    from harness.families.kernels.problem import load_problem
    from harness.families.kernels.runner import plain_runner
    import tempfile
    p = load_problem(Path({problem!r}))
    r = reference_cases(p, Path(tempfile.mkdtemp()), gpu=False, seeds=1, runner=plain_runner(), timeout_s=120,
                        cache_root=Path("cases"), seed_base=1)
    print(r.folder.name, len(r.cases))
"""


@pytest.mark.slow
def test_reference_cases_two_processes_publish_one_whole_folder(tmp_path: Path) -> None:
    problem = ROOT / "benchmarks" / "kernels_core" / "problems" / "clamp_scale"
    outs = two_processes(_CASES.format(problem=str(problem)), tmp_path)
    assert outs[0] == outs[1]
    [folder] = list((tmp_path / "cases").iterdir())  # one entry, no half-made folder beside it
    assert folder.name == outs[0].split()[0] and (folder / "ref.json").is_file()
    assert json.loads((folder / "ref.json").read_text())["cases"]
    assert not any(p.name in ("job.json", "reference.py", "tmp") for p in folder.iterdir())


# -- kernels: nvcc builds ----------------------------------------------------------------------------
@pytest.mark.slow
def test_nvcc_build_entry_is_written_whole_and_read_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from harness.families.kernels.compile_cuda import compile_extension
    from harness.families.kernels.runner import plain_runner
    from harness.families.kernels.static.cuda import InlineExtension

    if shutil.which("nvcc") is None:
        pytest.skip("nvcc is not installed")
    monkeypatch.setenv("HWEVAL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("HWEVAL_NVCC_CACHE", raising=False)
    ext = InlineExtension(line=1, cuda_sources=["__global__ void k(float* x) { x[0] = 1.0f; }"],
                          cpp_sources=["int f() { return 0; }"], no_implicit_headers=True)
    first = compile_extension(ext, tmp_path / "w1", runner=plain_runner(), timeout_s=300)
    assert first.ok is True and not first.cached, first.log
    [entry] = files_under(tmp_path / "cache" / "kernels_cuda_build")
    assert entry.parent == tmp_path / "cache" / "kernels_cuda_build"
    assert json.loads(entry.read_text()) == {"ok": True, "log": ""}
    assert_no_temporaries(tmp_path / "cache")
    entry.write_text(json.dumps({"ok": False, "log": "from the cache"}))
    again = compile_extension(ext, tmp_path / "w2", runner=plain_runner(), timeout_s=300)
    assert again.cached and again.ok is False and again.log == "from the cache"
