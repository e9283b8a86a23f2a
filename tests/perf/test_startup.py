"""What ``hweval run`` loads at start (issue 22): only its own sub-command's module; on the Icarus
testbench path no torch, transformers, datasets, cocotb or pytest in the harness, and a warm
worker loads cocotb only for a cocotb job."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from harness import cli
from tests.helpers import ROOT
from tests.perf import sidebyside as sb

HEAVY = ("torch", "transformers", "datasets", "cocotb", "cocotb_tools", "triton", "pytest")
OTHER_COMMANDS = ("harness.publish", "harness.audit", "harness.scaffold", "harness.sandbox.commands")

PROBE = """
import json, sys
from harness.cli import main
rc = main(sys.argv[1:])
mods = sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r} or m.startswith({other!r}))
print(json.dumps({{"rc": rc, "modules": mods}}))
"""


def test_the_command_map_names_every_sub_command_and_its_module() -> None:
    parser = cli.build_parser()  # every module
    sub = next(a for a in parser._actions if a.dest == "command")
    assert set(sub.choices) == set(cli.COMMANDS)  # type: ignore[arg-type]
    for name, module in cli.COMMANDS.items():
        only = cli.build_parser([name])  # the sub-command's own module only
        sub = next(a for a in only._actions if a.dest == "command")
        assert name in sub.choices, (name, module)  # type: ignore[operator]
    assert cli._modules_for(["--debug", "report", "x"]) == ["harness.commands"]
    assert cli._modules_for(["--help"]) == cli.COMMAND_MODULES
    assert cli._modules_for(["bogus"]) == cli.COMMAND_MODULES


@pytest.mark.slow
def test_an_icarus_run_imports_no_heavy_module(tmp_path: Path) -> None:
    replay = sb.write_replay(tmp_path / "r.jsonl", "verilogeval-v2-spec", sb.v2_candidates(1, tag=tmp_path.name))
    args = ["run", "--suite", "verilogeval-v2-spec", "--data", str(sb.V2), "--model", f"replay:{replay}",
            "--problems", ",".join(sb.V2_PROBLEMS), "-S", "synth=off", "-S", "lint=off", "-S", "validate=off",
            "--workers", "2", "--out", str(tmp_path / "run")]
    code = PROBE.format(heavy=set(HEAVY), other=OTHER_COMMANDS)
    proc = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "HWEVAL_NO_PROGRESS": "1"}, timeout=600)
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out == {"rc": 0, "modules": []}, proc.stderr[-2000:]
    statuses = [json.loads(ln)["status"] for ln in (tmp_path / "run" / "executions.jsonl").read_text().splitlines()]
    assert statuses == ["pass"] * len(sb.V2_PROBLEMS)


def test_a_worker_that_runs_icarus_jobs_loads_no_cocotb() -> None:
    """What the worker process loads before an Icarus job (in a fresh interpreter, as it starts)."""
    code = ("import sys; from harness.jobs import worker; worker._preload('harness.jobs.iverilog_job'); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('cocotb', 'cocotb_tools', 'pytest'))); "
            "worker._preload('harness.jobs.cocotb_job'); print('cocotb_tools.runner' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.stdout.split("\n")[:2] == ["[]", "True"], proc.stderr[-2000:]
