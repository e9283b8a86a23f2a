"""Static rules on a CVDP answer: integrity allowlist per HDL file, no hidden harness modules."""
from __future__ import annotations

import json

from benchmarks.cvdp import CvdpSuite
from benchmarks.cvdp.evaluate import services, static_verdict
from benchmarks.cvdp.records import parse_record
from harness.types import Candidate, Status
from tests.cvdp import fixtures

CHEAT = """module mux4 (input logic [3:0] d, input logic [1:0] s, output logic y);
    mux4_golden g (.d(d), .s(s), .y(y));
endmodule
"""


def test_hidden_harness_module_is_rejected_unless_the_prompt_names_it() -> None:
    rec = parse_record(fixtures.mux(), "fixture:1")
    verdict = static_verdict(rec, Candidate(code=CHEAT, files={"rtl/mux4.sv": CHEAT}))
    assert verdict is not None and verdict.status == Status.REJECTED and verdict.rule == "foreign_module"
    assert static_verdict(rec, Candidate(code=fixtures.MUX, files={"rtl/mux4.sv": fixtures.MUX})) is None
    named = fixtures.mux()
    named["input"]["prompt"] += " Reuse the provided module mux4_golden."
    assert static_verdict(parse_record(named, "fixture:1"), Candidate(code=CHEAT, files={"rtl/mux4.sv": CHEAT})) is None


def test_every_hdl_file_passes_the_integrity_rules() -> None:
    rec = parse_record(fixtures.alu(), "fixture:1")
    bad = fixtures.ALU_CORE.replace("endmodule", "initial $system(\"true\");\nendmodule")
    verdict = static_verdict(rec, Candidate(code="", files={"rtl/alu_top.sv": fixtures.ALU_TOP, "rtl/alu_core.sv": bad}))
    assert verdict is not None and verdict.status == Status.REJECTED and verdict.reason.startswith("rtl/alu_core.sv")


def test_compose_services_are_read_from_the_record() -> None:
    rec = parse_record(fixtures.alu(), "fixture:1")
    (svc,) = services(rec)
    assert svc["name"] == "direct" and svc["script"] == "/src/test_runner.py"
    assert svc["env"]["TOPLEVEL"] == "alu_top" and svc["env"]["MODULE"] == "test_alu"
    two = fixtures.counter()
    two["harness"]["files"]["docker-compose.yml"] += ("  second:\n    env_file: ./src/.env\n"
                                                      "    environment:\n      - EXTRA=1\n"
                                                      "    command: pytest -s /src/test_runner.py\n")
    assert [s["env"].get("EXTRA") for s in services(parse_record(json.loads(json.dumps(two)), "x:1"))] == [None, "1"]
    shell = fixtures.counter()
    shell["harness"]["files"]["docker-compose.yml"] = "services:\n  direct:\n    command: python3 /src/run.py\n"
    assert "pytest services only" in (CvdpSuite._classify(parse_record(shell, "x:1")).unsupported or "")
