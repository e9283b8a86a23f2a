"""Red team 15 (Verilog). S1: verilog-hard framer_debug asserted its reset in the first cycle only, so a
design that never reads ``rst`` and starts from an initial value (``reg [2:0] state = 3'd0;``) passed,
with a smaller area than the reference; the testbench now resets in the middle of frames, in every
state, and checks the next frame whole. S2 (uart_tx_fifo_modify tested at CLKS_PER_BIT = 4 only) is
``tests/verilog_hard/test_uart_tx_fifo_params.py``. S3: 3 MiB of spaces in an answer holding a
backtick shared the dedup key of the same answer without them, while the size rule tells them apart
(``rejected`` against ``pass``): an answer a size limit could tell from another text of its key, or one
defining a macro (whose expansion multiplies its blanks), is keyed on its exact text."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.verilog_hard import VerilogHardSuite
from harness.families.verilog.dedup import canonical_text, normalized_sha256, size_safe
from harness.jobs.verilog_check import MAX_PREPROCESSED, RETURN_CAP
from harness.sandbox.local import BubblewrapSandbox
from harness.suite import EvalContext, SuiteOptions
from harness.types import Completion, Status, Verdict

BIN2GRAY = "`timescale 1ns/1ps\nmodule bin2gray8 (input wire [7:0] bin, output wire [7:0] gray);\n" \
           "    assign{pad} gray = bin ^ (bin >> 1);\nendmodule\n"
FRAMER = Path(__file__).resolve().parents[2] / "benchmarks" / "verilog_hard" / "problems" / "framer_debug" / "ref.v"


def test_s3_a_padded_answer_no_longer_shares_the_key_of_the_plain_one() -> None:
    plain, padded = BIN2GRAY.format(pad=""), BIN2GRAY.format(pad=" " * (3 * 1024 * 1024))
    assert canonical_text(plain) == canonical_text(padded)  # the canonical text is still blind to the pad
    assert len(padded) > MAX_PREPROCESSED and not size_safe(padded) and size_safe(plain)
    assert normalized_sha256(plain) != normalized_sha256(padded)


def test_s3_near_the_return_cap_the_key_is_exact_well_below_it_canonical() -> None:
    """Past the compiled text's return cap an answer gets no synthesis, so the cap also decides."""
    edge = BIN2GRAY.format(pad=" " * RETURN_CAP)
    assert len(json.dumps(edge)) > RETURN_CAP - 4096 and not size_safe(edge)
    assert normalized_sha256(edge) != normalized_sha256(BIN2GRAY.format(pad=" "))
    small = BIN2GRAY.format(pad=" " * 2000)
    assert normalized_sha256(small) == normalized_sha256(BIN2GRAY.format(pad=" "))


def test_s3_an_answer_defining_a_macro_is_keyed_on_its_exact_text() -> None:
    """One `define body used many times multiplies its blanks past any limit, whatever the answer's size."""
    a = "`define W  4\nmodule m; wire [`W-1:0] x; endmodule\n"
    assert canonical_text(a) == canonical_text(a.replace("  ", " "))
    assert normalized_sha256(a) != normalized_sha256(a.replace("  ", " "))


def _framer(code: str, work: Path) -> Verdict:
    suite = VerilogHardSuite(SuiteOptions(extra={"lint": "off", "fallback": "off"}))
    problem = next(p for p in suite.problems() if p.id == "framer_debug")
    candidate = suite.extract(problem, Completion(suite.name, problem.id, 0, f"```verilog\n{code}```\n"))
    assert candidate is not None
    work.mkdir()
    return suite.evaluate(problem, candidate, EvalContext(sandbox=BubblewrapSandbox(), scratch_root=work,
                                                          cache_dir=work / "cache"))


@pytest.mark.slow
def test_s1_a_framer_that_never_reads_its_reset_fails(tmp_path: Path) -> None:
    ref = FRAMER.read_text()
    assert "reg [2:0] state;" in ref and "if (rst) begin\n            state <= IDLE;\n        end else if" in ref
    no_reset = ref.replace("reg [2:0] state;", "reg [2:0] state = 3'd0;").replace(
        "if (rst) begin\n            state <= IDLE;\n        end else if", "if")
    verdict = _framer(no_reset, tmp_path / "no_reset")
    assert verdict.status is Status.FAIL, (verdict.status, verdict.reason[:400])
    assert "area_ratio" not in verdict.metrics
    honest = _framer(ref.replace("reg [2:0] state;", "reg [2:0] state = 3'd0;"), tmp_path / "init_and_reset")
    assert honest.status is Status.PASS, honest.reason[:400]  # an initial value beside the reset is fine
