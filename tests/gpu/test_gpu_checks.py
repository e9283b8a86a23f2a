"""The GPU check script: it runs in full where a GPU is visible, and explains itself elsewhere."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent / "run_gpu_checks.py"


def _gpu() -> bool:
    try:
        import torch
    except ImportError:
        return False
    return torch.cuda.is_available()


@pytest.mark.skipif(_gpu(), reason="a GPU is visible: the full check below runs instead")
def test_without_a_gpu_it_explains_and_runs_nothing(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    from tests.gpu.run_gpu_checks import main  # in-process: the script's main, without a second interpreter

    code = main(["--quick", "--out", str(tmp_path / "rows.json")])
    out = capsys.readouterr().out
    assert code == 2, out
    assert "nothing was run" in out and "GPU" in out
    assert not (tmp_path / "rows.json").exists()


@pytest.mark.slow
@pytest.mark.skipif(not _gpu(), reason="needs a CUDA device")
def test_quick_gpu_checks_pass(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, str(SCRIPT), "--quick", "--out", str(tmp_path / "rows.json")],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-3000:]
