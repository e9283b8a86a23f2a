"""Verilog attacks submitted through the real verilog-core pipeline (``hweval run``, replay)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.helpers import sandbox_or_skip
from tests.security.attack_helpers import tree_text

pytestmark = pytest.mark.slow

REFERENCE = "module and_gate(input a, input b, output y);\n  assign y = a & b;\nendmodule\n"


def _answer(code: str) -> str:
    return f"Here is my design.\n\n```verilog\n{code}```\n"


def _attacks(secret: Path, pwned: Path) -> dict[str, str]:
    return {
        "reference": REFERENCE,
        "fopen_fwrite": REFERENCE.replace("endmodule", f'  integer fd;\n  initial begin fd = $fopen("{pwned}", "w"); '
                                                       f'$fwrite(fd, "pwned"); end\nendmodule'),
        "system": REFERENCE.replace("endmodule", f'  initial $system("cat {secret} > {pwned}");\nendmodule'),
        "readmemh": REFERENCE.replace("endmodule", f'  reg [95:0] m [0:0];\n  initial begin $readmemh("{secret}", m); '
                                                   f'$display("%h", m[0]); end\nendmodule'),
        "zero_delay_loop": REFERENCE.replace("endmodule", "  reg spin;\n  initial forever spin = ~spin;\nendmodule"),
    }


#: ``--timeout`` per sandbox: the zero-delay loop burns a core for all of it, so as short as a cocotb
#: job on a loaded machine allows (a docker job, with its container start, needed more than 10 s)
TIMEOUT_S = {"local": "10", "docker": "20"}
EXPECTED = {"reference": "pass", "fopen_fwrite": "rejected", "system": "rejected", "readmemh": "rejected",
            "zero_delay_loop": "timeout"}


@pytest.mark.parametrize("kind", ["local", "docker"])
def test_verilog_attacks_through_hweval_run(kind: str, token: str, tmp_path: Path) -> None:
    """Every attack gets its verdict; the zero-delay loop spins a core until ``--timeout``."""
    sandbox_or_skip(kind).close()
    secret_dir = Path(tempfile.mkdtemp(prefix="hweval-secret-"))
    secret = secret_dir / "secret.hex"
    secret.write_text(token + "\n")
    pwned = tmp_path / "pwned.txt"
    names = list(_attacks(secret, pwned))
    replay = tmp_path / "replay.jsonl"
    with replay.open("w") as fh:
        for idx, (name, code) in enumerate(_attacks(secret, pwned).items()):
            fh.write(json.dumps({"suite": "verilog-core", "problem_id": "and_gate", "sample_idx": idx,
                                 "completion": _answer(code), "name": name}) + "\n")
    out = tmp_path / "run"
    env = {k: v for k, v in os.environ.items() if not k.startswith("HWEVAL_") or k == "HWEVAL_CACHE"}
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "harness.cli", "--no-progress", "run", "--suite", "verilog-core",
             "--model", f"replay:{replay}", "--problems", "and_gate", "--n-samples", str(len(names)),
             "--sandbox", kind, "--timeout", TIMEOUT_S[kind], "--workers", "2", "-S", "validate=off", "--out", str(out)],
            capture_output=True, text=True, timeout=600, env=env)
    finally:
        shutil.rmtree(secret_dir, ignore_errors=True)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    records = [json.loads(line) for line in (out / "executions.jsonl").read_text().splitlines() if line.strip()]
    got = {names[r["sample_idx"]]: r["status"] for r in records}
    assert got == EXPECTED, {n: (r["status"], r["reason"][:200]) for n, r in
                             ((names[r["sample_idx"]], r) for r in records)}
    rules = {names[r["sample_idx"]]: r.get("rule") for r in records if r["status"] == "rejected"}
    assert rules == {"fopen_fwrite": "file_io", "system": "host_access", "readmemh": "file_io"}
    results = json.loads((out / "results.json").read_text())
    counts = results["suites"]["verilog-core"]["status_counts"]
    assert counts == {"pass": 1, "rejected": 3, "timeout": 1}
    assert not pwned.exists()
    assert token not in tree_text(out)
