"""Red team 14 (Verilog): a triple-quoted string, read as one string by Verilator (the fallback
build) and as several by Icarus and the checks, hid code from the integrity scan (S1, S2: $system
and $readmemh ran; S3: a child process wrote into the cocotb report pipe) and made two different
answers one dedup key (S4). Round 14b: Verilator also ends an attribute ``(* ... *)`` at the first
``*)`` inside a string, so ``(* keep = "x*) CODE (* keep = " *)`` hid CODE the same way (S1), and a
child process flooded the report pipe past its 1 MiB cap with well-formed passes, so the real
reports were cut off (S2). The end-to-end replays are ``attacks/c1_triple_quoted_string.v`` (every
target, through the corpus) and ``test_verilog_depth.py``'s report-pipe case (below the scan)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from harness.families.verilog.dedup import normalized_sha256
from harness.families.verilog.integrity import scan
from harness.jobs.cocotb_job import _Channel, function_record

#: S4's pair: the same text but for a line Verilator reads inside the string and the checks as a comment
DEDUP = """module and_gate(input a, input b, output y);
  string s;
  initial s = \"\"\"x"
// {word}
"y\"\"\";
  assign y = (s.len() == 11) ? (a & b) : 1'b0;
endmodule
"""
AND = "module and_gate(input a, input b, output y);\n  {body}\n  assign y = a & b;\nendmodule\n"


def test_answers_differing_inside_a_triple_quoted_string_have_different_dedup_keys() -> None:
    assert normalized_sha256(DEDUP.format(word="ok")) != normalized_sha256(DEDUP.format(word="bad"))


@pytest.mark.parametrize("body", [
    'localparam string Q = """x"y"""; integer fd; initial fd = $fopen("tb.py", "r"); localparam string R = "";',
    'always @(a) begin : b\n    string s; s = """\n    """; end',
    'initial $display("""");',
])
def test_a_triple_quoted_string_is_rejected(body: str) -> None:
    found = scan(AND.format(body=body), preprocessed=True)
    assert found and found[0][0] == "triple_quote", found


@pytest.mark.parametrize("body", ['initial $display("say \\"\\"\\" three");', 'wire [7:0] q = "\\"";'])
def test_ordinary_strings_with_escaped_quotes_pass(body: str) -> None:
    assert scan(AND.format(body=body), preprocessed=True) == []


def _channel(payload: bytes) -> _Channel:
    """A real child process that writes ``payload`` into the pipe the way the simulator would."""
    channel = _Channel(SimpleNamespace(env=dict(os.environ)))
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "payload"
        source.write_bytes(payload)
        code = (f"import os; fd = int(os.environ['HWEVAL_REPORT_FD']); data = open({str(source)!r}, 'rb').read()\n"
                "while data: data = data[os.write(fd, data):]")
        channel.execute([[sys.executable, "-c", code]], cwd=Path.cwd(), stdout=subprocess.DEVNULL)  # type: ignore[arg-type]
    return channel


def _line(record: dict) -> bytes:  # type: ignore[type-arg]
    return (json.dumps(record) + "\n").encode()


def test_the_report_pipe_holding_anything_but_reports_is_rejected(tmp_path: Path) -> None:
    fail = {"test": "tb.exhaustive", "status": "failed", "reason": "y=0"}
    honest = _channel(_line(fail) + _line({"done": 1}))
    assert function_record(honest, 0.1, tmp_path / "sim.log")["status"] == "fail"
    # S3: a forged pass, then a partial line the real failure is glued to
    forged = _channel(_line({**fail, "status": "passed"}) + b"GARBAGE" + _line(fail) + _line({"done": 1}))
    record = function_record(forged, 0.1, tmp_path / "sim.log")
    assert (record["status"], record["data"]["rule"]) == ("rejected", "report_channel"), record
    extra_key = _channel(_line({"test": "t", "status": "passed", "reason": "", "nonce": "x"}) + _line({"done": 1}))
    assert function_record(extra_key, 0.1, tmp_path / "sim.log")["status"] == "rejected"


@pytest.mark.parametrize("body", [
    '(* keep = "x*) integer fd; initial fd = $fopen(N, M); (* keep = " *) wire w;',
    'initial $display("(*) *)");',
])
def test_a_string_holding_an_attribute_end_is_rejected(body: str) -> None:
    found = scan(AND.format(body=body), preprocessed=True)
    assert found and found[0][0] == "attribute_string", found


@pytest.mark.parametrize("body", ['(* keep = "true" *) wire k;', '(* ram_style = "block", keep *) reg [7:0] m;',
                                  'always @(*) begin end', 'initial $display("a * b) and (* c");'])
def test_attributes_with_strings_and_star_events_pass(body: str) -> None:
    assert scan(AND.format(body=body), preprocessed=True) == []


def test_a_flooded_report_pipe_is_rejected(tmp_path: Path) -> None:
    """14b S2: over the cap, even of well-formed passes, the pipe held more than the reports."""
    from harness.jobs.cocotb_job import CHANNEL_CAP

    record = _line({"test": "tb.t", "status": "passed", "reason": ""})
    flood = _line({"done": 1}) + record * (CHANNEL_CAP // len(record) + 2)
    record_out = function_record(_channel(flood), 0.1, tmp_path / "sim.log")
    assert (record_out["status"], record_out["data"]["rule"]) == ("rejected", "report_channel"), record_out
