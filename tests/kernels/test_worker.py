"""The worker command is one sandbox-wrappable argv; each phase has its own scratch folder."""
from __future__ import annotations

import sys
from pathlib import Path

from harness.families.kernels.evaluate import worker_command, worker_env


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


# Each phase's own folder (no reference file in a candidate phase's folder, inputs deleted by the
# checker, outputs written back) is asserted on a sandboxed golden evaluation in
# tests/security/test_kernel_attacks_e2e.py::test_seeds_are_fresh_and_never_reach_the_candidate.
