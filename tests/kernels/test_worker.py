"""The worker command is one sandbox-wrappable argv; each phase has its own scratch folder."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from harness.families.kernels.evaluate import worker_command, worker_env
from tests.kernels.helpers import golden


def test_worker_command_and_env(tmp_path: Path) -> None:
    cmd = worker_command(tmp_path, "check")
    assert cmd[:3] == [sys.executable, "-m", "harness.families.kernels.sandboxed.worker"]
    assert cmd[cmd.index("--workdir") + 1] == str(tmp_path) and cmd[-1] == "check"
    assert worker_command(tmp_path, "perf", python="/opt/py/bin/python")[0] == "/opt/py/bin/python"
    env = worker_env(tmp_path, interpret=True, gpu=False)
    for key in ("HOME", "TMPDIR", "TRITON_CACHE_DIR", "TORCH_EXTENSIONS_DIR", "TORCHINDUCTOR_CACHE_DIR"):
        assert Path(env[key]).is_relative_to(tmp_path), key
    assert env["TRITON_INTERPRET"] == "1" and env["CUDA_VISIBLE_DEVICES"] == ""
    assert worker_env(tmp_path, interpret=False, gpu=True)["TRITON_INTERPRET"] == "0"


@pytest.mark.slow
def test_each_phase_sees_only_its_folder(run_eval, tmp_path: Path) -> None:
    r = run_eval("relu", golden("relu", "triton"))
    assert r["status"] == "pass"
    work = tmp_path / "w0"
    cand = {p.name for p in (work / "cand").iterdir()}
    assert {"candidate.py", "job.json", "init.pt", "result_check.json"} <= cand
    # the checker deleted the inputs before the candidate's worker started, and wrote the outputs
    assert not any(n.startswith("in_") for n in cand) and any(n.startswith("out_") for n in cand)
    # the reference and its outputs never enter a folder a candidate phase runs in
    for phase in ("cand", "compile"):
        names = {p.name for p in (work / phase).iterdir()}
        assert not any(n.startswith("ref") or n == "reference.py" for n in names), names
    assert (work / "compile" / "result_compile.json").is_file()
    assert any(p.name.startswith("ref_") for p in (work / "ref").iterdir())
