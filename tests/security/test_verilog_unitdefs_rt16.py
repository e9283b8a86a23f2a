"""Red team s16 rtv2: the drive and scope rules read each module on its own, so an ``interface``
defined at unit scope and instantiated in the module was read by none of them. Inside it,
``assign and_gate.y = ...`` reached the design from above through its own module name (rule
``hierarchical_reference``) and ``assign (weak0, weak1) and_gate.b = 1'b1`` drove the design's own
input (``input_driven``); both scored ``pass`` on verilog-core and_gate. Now the text outside the
modules is read as one more region by the scope rule, and the ports of the answer's interfaces,
programs and checkers are read with the modules' ports: one whose output (or inout, or
direction-less) port is connected to the holding module's input drives it (``input_driven``), as a
module instance does (``harness/families/verilog/unitdefs.py``)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.families.verilog.integrity import scan
from tests.helpers import hweval, write_replay

TOP = "module and_gate(input a, input b, output y);\n{body}\nendmodule\n"
ATTACKS = {
    "interface_hier_assign": ("interface drv_if;\n  assign and_gate.y = and_gate.a & and_gate.b;\nendinterface\n"
                              + TOP.format(body="  drv_if u_if();"), "hierarchical_reference"),
    "interface_weak_drive": ("interface drv_if;\n  assign (weak0, weak1) and_gate.b = 1'b1;\nendinterface\n"
                             + TOP.format(body="  drv_if u_if();\n  assign y = a & b;"), "hierarchical_reference"),
    "program_hier_assign": ("program drv_p;\n  initial force and_gate.b = 1'b1;\nendprogram\n"
                            + TOP.format(body="  assign y = a & b;"), "hierarchical_reference"),
    "unit_task_pokes_input": ("task automatic poke;\n  and_gate.b = 1;\nendtask\n"
                              + TOP.format(body="  assign y = a & b;"), "hierarchical_reference"),
    "package_function_reads_up": ("package p;\n  function automatic logic f(); return and_gate.a; endfunction\n"
                                  "endpackage\n" + TOP.format(body="  assign y = p::f() & b;"),
                                  "hierarchical_reference"),
    "interface_output_port": ("interface drv_if(output wire o);\n  assign o = 1'b1;\nendinterface\n"
                              + TOP.format(body="  drv_if u_if(.o(b));\n  assign y = a & b;"), "input_driven"),
    "interface_port_without_direction": ("interface drv_if(o);\n  output o;\n  assign o = 1'b1;\nendinterface\n"
                                         + TOP.format(body="  drv_if u_if(b);\n  assign y = a & b;"), "input_driven"),
    "program_inout_port": ("program drv_p(inout wire o);\n  assign o = 1'b1;\nendprogram\n"
                           + TOP.format(body="  drv_p u_p(.o(b));\n  assign y = a & b;"), "input_driven"),
}
HONEST = {
    "interface_of_inputs": "interface bus_if(input logic clk, input logic rst);\n  logic [7:0] d;\nendinterface\n"
                           + TOP.format(body="  assign y = a & b;"),
    "package_types_and_function": "package p;\n  typedef struct packed { logic a; logic b; } s_t;\n"
                                  "  function automatic logic f(s_t s); return s.a & s.b; endfunction\nendpackage\n"
                                  + TOP.format(body="  import p::*;\n  s_t s;\n  assign s = '{a: a, b: b};\n"
                                                    "  assign y = f(s);"),
    "interface_output_to_own_output": "interface and_if(input logic x, input logic z, output logic o);\n"
                                      "  assign o = x & z;\nendinterface\n"
                                      + TOP.format(body="  and_if u0 (.x(a), .z(b), .o(y));"),
    "unit_function": "function automatic logic and2(input logic x, input logic z);\n  return x & z;\nendfunction\n"
                     + TOP.format(body="  assign y = and2(a, b);"),
}


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_unit_scope_definitions_are_read_by_the_rules(name: str) -> None:
    source, rule = ATTACKS[name]
    assert rule in {r for r, _ in scan(source, preprocessed=True)}


@pytest.mark.parametrize("name", sorted(HONEST))
def test_honest_unit_scope_definitions_pass_the_scan(name: str) -> None:
    assert scan(HONEST[name], preprocessed=True) == []


@pytest.mark.slow
def test_through_the_cli(tmp_path: Path) -> None:
    """The red team's two answers are rejected and honest ones pass, end to end."""
    answers = [f"```systemverilog\n{ATTACKS['interface_hier_assign'][0]}```",
               f"```systemverilog\n{ATTACKS['interface_weak_drive'][0]}```",
               f"```systemverilog\n{HONEST['interface_of_inputs']}```",
               f"```systemverilog\n{HONEST['unit_function']}```"]
    replay = write_replay(tmp_path / "answers.jsonl", "verilog-core", "and_gate", answers)
    out = tmp_path / "run"
    hweval("run", "--suite", "verilog-core", "--problems", "and_gate", "--model", f"replay:{replay}", "--n-samples",
           str(len(answers)), "--workers", "1", "-S", "synth=off", "--out", str(out), check=True)
    rows = sorted((json.loads(line) for line in (out / "executions.jsonl").read_text().splitlines()),
                  key=lambda r: r["sample_idx"])
    assert [r["status"] for r in rows] == ["rejected", "rejected", "pass", "pass"], [r.get("reason") for r in rows]
