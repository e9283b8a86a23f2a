"""Red team 11c S5: the connected-inputs drive probe is built and run by Icarus; an honest answer
with a free-running internal process (``always #1 tick = ~tick;``) kept its image running until the
job's timeout. The probe's image now ends at once."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from benchmarks.cvdp.probe import drive_probe_source, elaborate

MUL8 = """module mul8 (input logic [7:0] a, input logic [7:0] b, output logic [15:0] p);
    logic tick = 1'b0;
    always #1 tick = ~tick;
    assign p = a * b;
endmodule
"""


@pytest.mark.slow
def test_a_free_running_answer_does_not_keep_the_drive_probe_running(tmp_path: Path) -> None:
    (tmp_path / "mul8.sv").write_text(MUL8)
    probe, at = drive_probe_source(["mul8"], MUL8, {"mul8 W:a": "8", "mul8 W:b": "8"}, tag="T1")
    assert at
    (tmp_path / "work").mkdir()
    start = time.monotonic()
    out, log = elaborate([tmp_path / "mul8.sv"], probe, tmp_path / "work", tag="T1")
    assert out is not None, log
    assert time.monotonic() - start < 30
    assert "coerced" not in log
