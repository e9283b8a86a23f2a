"""kernels-core through the docker sandbox (torch, triton and the harness bound read-only)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.sandbox.base import Sandbox
from tests.helpers import hweval
from tests.kernels.helpers import executions

pytestmark = [pytest.mark.docker, pytest.mark.slow]


def test_reference_and_a_cheat_through_docker(docker_sandbox: Sandbox, tmp_path: Path) -> None:
    replay = tmp_path / "answers.jsonl"
    cheat = ("import torch\nimport torch.nn as nn\n\n\nclass ModelNew(nn.Module):\n"
             "    def forward(self, x):\n        return torch.relu(x)\n")
    replay.write_text(json.dumps({"suite": "kernels-core", "problem_id": "relu", "sample_idx": 0,
                                  "completion": f"```python\n{cheat}```"}) + "\n")
    out = tmp_path / "ref"
    proc = hweval("run", "--suite", "kernels-core", "--model", "reference", "--problems", "relu,softmax_row",
                  "--sandbox", "docker", "--out", str(out), "-S", "validate=off", "--workers", "2")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert {r["status"] for r in executions(out).values()} == {"pass"}
    out2 = tmp_path / "cheat"
    proc = hweval("run", "--suite", "kernels-core", "--model", f"replay:{replay}", "--problems", "relu",
                  "--sandbox", "docker", "--out", str(out2), "-S", "validate=off")
    rec = executions(out2)[("relu", 0)]
    assert rec["status"] == "rejected" and rec["rule"] == "torch_compute", rec["reason"]
