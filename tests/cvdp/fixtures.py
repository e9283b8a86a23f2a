"""Small CVDP records written for these tests, in CVDP's exact JSONL record format.

Layout as in NVlabs/cvdp_benchmark's example_dataset: ``id``, ``categories`` ([cid, difficulty]),
``input`` {prompt, context}, ``output`` {response, context}, ``harness`` {files: Dockerfile,
docker-compose.yml, src/.env, src/test_*.py, src/test_runner.py}. The designs are our own.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

COMPOSE = """services:

  direct:
    build: .
    volumes:
      - ./src/:/src/:ro # Infrastructure location
    env_file    : ./src/.env
    command     : pytest -s --log-cli-level=INFO -o cache_dir=/rundir/harness/.cache /src/test_runner.py -v
"""
COMPOSE_EDA = """services:

  xrun:
    image: __VERIF_EDA_IMAGE__
    volumes:
      - ./src/:/src/:ro # Infrastructure location
    env_file : ./src/.env
    command: pytest /src/process.py -v -s
    networks:
      - licnetwork

networks:
  licnetwork:
      name: licnetwork
      external: true
"""
RUNNER = """import os
from cocotb_tools.runner import get_runner
import pytest

verilog_sources = os.getenv("VERILOG_SOURCES").split()
toplevel_lang   = os.getenv("TOPLEVEL_LANG")
sim             = os.getenv("SIM", "icarus")
toplevel        = os.getenv("TOPLEVEL")
module          = os.getenv("MODULE")
wave            = bool(os.getenv("WAVE"))

def runner(parameters={}):
    runner = get_runner(sim)
    runner.build(
        sources=verilog_sources,
        hdl_toplevel=toplevel,
        parameters=parameters,
        always=True,
        clean=True,
        verbose=True,
        timescale=("1ns", "1ns"),
        log_file="sim.log")
    runner.test(hdl_toplevel=toplevel, test_module=module, waves=wave)

"""
SINGLE = RUNNER + """def test_runner():
    runner()
"""
PARAMETRIZED = RUNNER + """@pytest.mark.parametrize("width", [4, 8])
def test_alu(width):
    runner(parameters={"WIDTH": width})
"""


def env(sources: str, top: str, module: str, sim: str = "icarus") -> str:
    return (f"SIM             = {sim}\nTOPLEVEL_LANG   = verilog\nVERILOG_SOURCES = {sources}\n"
            f"TOPLEVEL        = {top}\nMODULE          = {module}\nPYTHONPATH      = /src\n"
            "HASH            = 0123456789abcdef0123456789abcdef01234567")


def record(rid: str, cat: str, diff: str, prompt: str, context: dict[str, str], outputs: dict[str, str],
           harness: dict[str, str]) -> dict[str, Any]:
    return {"id": rid, "categories": [cat, diff], "input": {"prompt": prompt, "context": context},
            "output": {"response": "", "context": outputs}, "harness": {"files": harness}}


# -- cid003: a counter, one file ----------------------------------------------------------------
COUNTER = """module counter4 (
    input  logic       clk,
    input  logic       rst,
    input  logic       en,
    output logic [3:0] q
);
    always_ff @(posedge clk) begin
        if (rst) q <= 4'd0;
        else if (en) q <= q + 4'd1;
    end
endmodule
"""
COUNTER_BROKEN = COUNTER.replace("q <= q + 4'd1", "q <= q + 4'd2")
COUNTER_TEST = """import random
import cocotb
from cocotb.clock import Clock
from cocotb.triggers import FallingEdge, RisingEdge

@cocotb.test()
async def test_count(dut):
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    dut.rst.value = 1
    dut.en.value = 0
    await RisingEdge(dut.clk)
    await FallingEdge(dut.clk)
    dut.rst.value = 0
    expected = 0
    rng = random.Random(7)
    for _ in range(40):
        en = rng.randint(0, 1)
        dut.en.value = en
        await RisingEdge(dut.clk)
        await FallingEdge(dut.clk)
        expected = (expected + en) % 16
        assert int(dut.q.value) == expected, f"q={int(dut.q.value)} expected {expected}"
"""


def counter() -> dict[str, Any]:
    return record(
        "cvdp_copilot_counter4_0001", "cid003", "easy",
        "Design `counter4`: a 4-bit counter with synchronous active-high reset `rst` and enable `en`; "
        "ports clk, rst, en, output q[3:0]. On each rising edge of clk, q resets to 0 when rst is high, "
        "otherwise increments (wrapping) when en is high.",
        {}, {"rtl/counter4.sv": COUNTER},
        {"Dockerfile": "FROM __OSS_SIM_IMAGE__\n", "docker-compose.yml": COMPOSE,
         "src/.env": env("/code/rtl/counter4.sv", "counter4", "test_counter4"),
         "src/test_counter4.py": COUNTER_TEST, "src/test_runner.py": SINGLE})


# -- cid004: an ALU in two files, modified to add SUB; parametrized width -------------------------
ALU_TOP = """module alu_top #(parameter WIDTH = 4) (
    input  logic [WIDTH-1:0] a,
    input  logic [WIDTH-1:0] b,
    input  logic [1:0]       op,
    output logic [WIDTH-1:0] y
);
    alu_core #(.WIDTH(WIDTH)) core (.a(a), .b(b), .op(op), .y(y));
endmodule
"""
ALU_CORE_OLD = """module alu_core #(parameter WIDTH = 4) (
    input  logic [WIDTH-1:0] a,
    input  logic [WIDTH-1:0] b,
    input  logic [1:0]       op,
    output logic [WIDTH-1:0] y
);
    always_comb begin
        case (op)
            2'd0: y = a + b;
            2'd1: y = a & b;
            default: y = a | b;
        endcase
    end
endmodule
"""
ALU_CORE = ALU_CORE_OLD.replace("2'd1: y = a & b;", "2'd1: y = a & b;\n            2'd3: y = a - b;")
ALU_TEST = """import random
import cocotb
from cocotb.triggers import Timer
import harness_library as hl

@cocotb.test()
async def test_ops(dut):
    width = len(dut.a)
    rng = random.Random(11)
    for _ in range(60):
        a, b, op = rng.randrange(2 ** width), rng.randrange(2 ** width), rng.randrange(4)
        dut.a.value, dut.b.value, dut.op.value = a, b, op
        await Timer(1, unit="ns")
        assert int(dut.y.value) == hl.model(a, b, op, width), f"a={a} b={b} op={op}"
"""
ALU_LIB = """def model(a, b, op, width):
    mask = (1 << width) - 1
    return {0: (a + b) & mask, 1: a & b, 2: a | b, 3: (a - b) & mask}[op]
"""


def alu() -> dict[str, Any]:
    return record(
        "cvdp_copilot_alu_0004", "cid004", "medium",
        "Modify the ALU so that op = 3 computes a - b (wrapping to WIDTH bits). Keep the other operations. "
        "Return both files.",
        {"rtl/alu_top.sv": ALU_TOP, "rtl/alu_core.sv": ALU_CORE_OLD},
        {"rtl/alu_top.sv": ALU_TOP, "rtl/alu_core.sv": ALU_CORE},
        {"Dockerfile": "FROM __OSS_SIM_IMAGE__\n", "docker-compose.yml": COMPOSE,
         "src/.env": env("/code/rtl/alu_top.sv /code/rtl/alu_core.sv", "alu_top", "test_alu"),
         "src/test_alu.py": ALU_TEST, "src/harness_library.py": ALU_LIB, "src/test_runner.py": PARAMETRIZED})


# -- cid016: parity with a reference that fails its own test ------------------------------------
PARITY_BAD_REF = """module parity8 (input logic [7:0] d, output logic p);
    assign p = ~^d;
endmodule
"""
PARITY_TEST = """import cocotb
from cocotb.triggers import Timer

@cocotb.test()
async def test_even_parity(dut):
    for d in range(256):
        dut.d.value = d
        await Timer(1, unit="ns")
        assert int(dut.p.value) == bin(d).count("1") % 2, f"d={d}"
"""


def parity() -> dict[str, Any]:
    return record(
        "cvdp_copilot_parity_0016", "cid016", "hard",
        "Fix the bug in parity8: p must be the XOR of all bits of d.",
        {"rtl/parity8.sv": PARITY_BAD_REF}, {"rtl/parity8.sv": PARITY_BAD_REF},
        {"Dockerfile": "FROM __OSS_SIM_IMAGE__\n", "docker-compose.yml": COMPOSE,
         "src/.env": env("/code/rtl/parity8.sv", "parity8", "test_parity8"),
         "src/test_parity8.py": PARITY_TEST, "src/test_runner.py": SINGLE})


# -- cid002: a mux completed by the model, checked against a hidden golden model --------------------
MUX_PARTIAL = """module mux4 (input logic [3:0] d, input logic [1:0] s, output logic y);
    // complete the selection logic
endmodule
"""
MUX = """module mux4 (input logic [3:0] d, input logic [1:0] s, output logic y);
    assign y = d[s];
endmodule
"""
MUX_GOLDEN = """module mux4_golden (input logic [3:0] d, input logic [1:0] s, output logic y);
    assign y = (s == 2'd0) ? d[0] : (s == 2'd1) ? d[1] : (s == 2'd2) ? d[2] : d[3];
endmodule
"""
MUX_WRAP = """module mux4_check (input logic [3:0] d, input logic [1:0] s, output logic y, output logic y_ref);
    mux4        dut (.d(d), .s(s), .y(y));
    mux4_golden ref_model (.d(d), .s(s), .y(y_ref));
endmodule
"""
MUX_TEST = """import cocotb
from cocotb.triggers import Timer

@cocotb.test()
async def test_against_golden(dut):
    for d in range(16):
        for s in range(4):
            dut.d.value, dut.s.value = d, s
            await Timer(1, unit="ns")
            assert int(dut.y.value) == int(dut.y_ref.value), f"d={d} s={s}"
"""


def mux() -> dict[str, Any]:
    return record(
        "cvdp_copilot_mux4_0002", "cid002", "easy",
        "Complete mux4: y is the bit of d selected by s.",
        {"rtl/mux4.sv": MUX_PARTIAL}, {"rtl/mux4.sv": MUX},
        {"Dockerfile": "FROM __OSS_SIM_IMAGE__\n", "docker-compose.yml": COMPOSE,
         "src/.env": env("/code/rtl/mux4.sv /src/mux4_golden.sv /src/mux4_check.sv", "mux4_check", "test_mux4"),
         "src/mux4_golden.sv": MUX_GOLDEN, "src/mux4_check.sv": MUX_WRAP, "src/test_mux4.py": MUX_TEST,
         "src/test_runner.py": SINGLE})


# -- records hweval does not score ----------------------------------------------------------------
def commercial_category() -> dict[str, Any]:
    return record(
        "cvdp_copilot_gf_mult_0039", "cid012", "easy",
        "Develop a testbench that drives all input pairs of gf_mult.", {},
        {"verif/gf_mult_tb.sv": "module gf_mult_tb; initial $finish; endmodule\n"},
        {"docker-compose.yml": COMPOSE_EDA, "src/.env": "HASH   = 0123\nTARGET = 90",
         "src/process.py": "def test_simulate():\n    assert False\n"})


def commercial_simulator() -> dict[str, Any]:
    rec = counter()
    rec["id"] = "cvdp_copilot_counter4_0005"
    rec["categories"] = ["cid005", "medium"]
    rec["harness"]["files"]["src/.env"] = env("/code/rtl/counter4.sv", "counter4", "test_counter4", sim="xcelium")
    return rec


def comprehension() -> dict[str, Any]:
    rec = record("cvdp_copilot_counter4_0010", "cid010", "easy",
                 "Explain in two sentences what the test checks.", {"rtl/counter4.sv": COUNTER}, {}, {})
    rec["output"]["response"] = "The test compares q with a model of the counter after every clock edge."
    rec["harness"] = {}
    return rec


def agentic() -> dict[str, Any]:
    return {"id": "cvdp_agentic_counter4_0001", "categories": ["cid003", "easy"],
            "system_message": "You are a language model that has file operations available.",
            "prompt": "Design counter4 in rtl/counter4.sv.", "context": {"docs/spec.md": "# counter4\n"},
            "patch": {"rtl/counter4.sv": "@@ -0,0 +1,1 @@\n+module counter4; endmodule\n"},
            "harness": {"docker-compose.yml": COMPOSE, "src/.env": env("/code/rtl/counter4.sv", "counter4", "t")}}


def all_records() -> list[dict[str, Any]]:
    return [counter(), alu(), parity(), mux(), commercial_category(), commercial_simulator(), comprehension(),
            agentic()]


def without_solutions(rec: dict[str, Any]) -> dict[str, Any]:
    out = json.loads(json.dumps(rec))
    if "output" in out:
        out["output"]["context"] = {name: "" for name in out["output"]["context"]}
    return out


def write(folder: Path, solutions: bool = True, name: str = "cvdp_fixture") -> Path:
    """Write the records as CVDP does: ``NAME.jsonl`` and ``NAME_with_solutions.jsonl``."""
    folder.mkdir(parents=True, exist_ok=True)
    recs = all_records()
    path = folder / (f"{name}_with_solutions.jsonl" if solutions else f"{name}.jsonl")
    path.write_text("".join(json.dumps(r if solutions else without_solutions(r)) + "\n" for r in recs))
    return path


def one_record_suite(folder: Path, rec: dict[str, Any], name: str = "cvdp_one") -> tuple[Any, Any]:
    """(the CVDP suite over ``rec`` alone, written as ``NAME_with_solutions.jsonl`` in ``folder``, its problem)."""
    from benchmarks.cvdp import CvdpSuite
    from harness.suite import SuiteOptions

    path = folder / f"{name}_with_solutions.jsonl"
    path.write_text(json.dumps(rec) + "\n")
    suite = CvdpSuite(SuiteOptions(data=str(path)))
    (problem,) = suite.problems()
    return suite, problem
