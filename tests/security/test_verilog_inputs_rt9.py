"""Red team 9 S1-S4: values a test reads back from the design, scopes above the design, fixed seeds.

S1 (verilog-hard ``dma_desc``) and S2 (CVDP): a design that ``force``s its own input decided what a
test reading the input back believed it drove. S2b: an answer's own parameter default (or port
width) sized a CVDP test's stimulus. S3: ``tb_top.u_ref.p`` copied a CVDP harness's golden model
(Icarus resolves it upward even past a local scope of that name). S4: CVDP stimulus was fixed by
the run's ``--seed``, so a table of the public harness's vectors passed.
"""
from __future__ import annotations

import pytest

from benchmarks.cvdp import CvdpSuite
from benchmarks.cvdp.answer import model_answer
from harness.api import integrity_verdict, score_response
from harness.families.verilog.drivers import (
    dotted_heads,
    foreign_scopes,
    input_drivers,
    scope_rules,
    word_rules,
)
from harness.families.verilog.lexer import tokenize
from harness.families.verilog.paramdefaults import parameter_names
from harness.sandbox.local import BubblewrapSandbox
from harness.suite import EvalContext, SuiteOptions
from harness.types import Candidate, Status
from tests.cvdp import fixtures
from tests.helpers import ROOT

MUL8 = """module mul8 (input logic [7:0] a, input logic [7:0] b, output logic [15:0] p);
    assign p = a * b;
endmodule
"""
MUL8_TEST = """import random
import cocotb
from cocotb.triggers import Timer

@cocotb.test()
async def test_mul(dut):
    width = len(dut.a)
    for _ in range(50):
        dut.a.value = random.getrandbits(width)
        dut.b.value = random.getrandbits(width)
        await Timer(1, unit="ns")
        a, b = int(dut.a.value), int(dut.b.value)  # read back, as many CVDP tests do
        assert int(dut.p.value) == int(dut.u_ref.p.value) == a * b, f"a={a} b={b}"
"""
TB_TOP = """module tb_top (input logic [7:0] a, input logic [7:0] b, output logic [15:0] p);
    mul8 dut (.a(a), .b(b), .p(p));
    mul8_golden u_ref (.a(a), .b(b), .p());
endmodule
module mul8_golden (input logic [7:0] a, input logic [7:0] b, output logic [15:0] p);
    assign p = a * b;
endmodule
"""


def mul8_harness(sources: str = "/code/rtl/mul8.sv", tb_top: str = TB_TOP, test: str = MUL8_TEST) -> dict[str, str]:
    """The hidden harness of the mul8 records: ``sources`` (VERILOG_SOURCES before ``/src/tb_top.sv``)
    built under ``tb_top``, tested by ``test`` (which reads a and b back)."""
    return {"Dockerfile": "FROM __OSS_SIM_IMAGE__\n", "docker-compose.yml": fixtures.COMPOSE,
            "src/.env": fixtures.env(f"{sources} /src/tb_top.sv", "tb_top", "test_mul8"),
            "src/tb_top.sv": tb_top, "src/test_mul8.py": test, "src/test_runner.py": fixtures.SINGLE}


def mul8_record() -> dict:  # type: ignore[type-arg]
    return fixtures.record(
        "cvdp_copilot_mul8_0001", "cid003", "easy",
        "Design `mul8`: p = a * b, unsigned; ports a[7:0], b[7:0], output p[15:0].", {},
        {"rtl/mul8.sv": MUL8}, mul8_harness())


@pytest.fixture(scope="module")
def mul8(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    import json
    root = tmp_path_factory.mktemp("cvdp_rt9")
    path = root / "cvdp_rt9_with_solutions.jsonl"
    path.write_text(json.dumps(mul8_record()) + "\n")
    s = CvdpSuite(SuiteOptions(data=str(path)))
    (problem,) = s.problems()
    return s, problem, EvalContext(sandbox=BubblewrapSandbox(), cache_dir=root)


def answer(code: str) -> str:
    return model_answer({"rtl/mul8.sv": code})


class TestRules:
    """The rules on text, attack forms and honest forms."""

    def test_force_release_deassign_and_switches_are_rules(self) -> None:
        for word, rule in (("force", "force"), ("release", "force"), ("deassign", "force"),
                           ("pullup", "switch_primitive"), ("rtranif1", "switch_primitive")):
            assert [r for r, _ in word_rules(tokenize(f"module m; {word} x; endmodule"))] == [rule]

    @pytest.mark.parametrize("body", [
        "assign g = 1'b1;", "assign {g, h} = 2'b11;", "always @* g = 1;", "always @(posedge c) g <= 1;",
        "initial #1 g = 1;", "always @(posedge c) if (h) g <= 1; else g <= 0;",
        "sub u (.y(g), .a(h));", "sub u (g, h);", "buf (g, 1'b1);",
    ])
    def test_a_module_driving_its_own_input_is_found(self, body: str) -> None:
        src = f"module m(input c, input g, input h, output q); {body} endmodule\n" \
              "module sub(output y, input a); assign y = a; endmodule"
        assert {r for r, _ in input_drivers(src)} == {"input_driven"}, body

    @pytest.mark.parametrize("body", [
        "assign q = g & h;", "always @(posedge c) if (g <= h) r <= g;",
        "sub u (.y(q), .a(g));", "sub u (q, g);", "and (q, g, h);",
        "function automatic f(input g); g = ~g; f = g; endfunction",
        "always @* begin r = g; end",
    ])
    def test_honest_uses_of_inputs_are_not(self, body: str) -> None:
        src = f"module m(input c, input g, input h, output q); reg r; {body} endmodule\n" \
              "module sub(output y, input a); assign y = a; endmodule"
        assert input_drivers(src) == [], body

    def test_hierarchical_heads(self) -> None:
        src = "module m(bus_if.slave s, input a); assign x = tb_top.u_ref.p + u[0].q.r + s.v; sub u[1:0](); endmodule"
        assert dotted_heads(src) == {"tb_top", "u", "s"}
        assert foreign_scopes(src, set()) == ["tb_top"]
        assert foreign_scopes(src, {"u"}) == ["tb_top", "u"]
        # a local scope of the harness's name does not make it the design's (Icarus looks upward)
        assert foreign_scopes("module m; if (1) begin : tb_top end assign x = tb_top.u_ref.p; endmodule",
                              {"tb_top", "u_ref"}) == ["tb_top"]

    def test_s5_s6_self_named_scopes_and_defparam(self) -> None:
        from harness.families.verilog.integrity import scan
        self_named = "module acc8(input clk, input en, output [15:0] sum); assign #2 acc8.en = clk; endmodule"
        assert ("hierarchical_reference" in {r for r, _ in scan(self_named, preprocessed=True)})
        concat = "module p(input clk, input g, output q); wire u; assign {u, probe.g} = 2'b11; endmodule"
        assert "hierarchical_reference" in {r for r, _ in scan(concat, preprocessed=True)}
        defparam = "module mulw #(parameter WIDTH = 8) (input [WIDTH-1:0] a); defparam mulw.WIDTH = 1; endmodule"
        assert "defparam" in {r for r, _ in scan(defparam, preprocessed=True)}
        honest = ("module m(input clk, input [7:0] d, output [7:0] q); typedef struct packed {logic [7:0] v;} s_t;\n"
                  "s_t r; always @(posedge clk) r.v <= d; assign q = r.v; sub u (.y()); wire w = u.x; endmodule")
        assert not {r for r, _ in scan(honest, preprocessed=True)} & {"hierarchical_reference", "defparam"}



class TestRound9c:
    """Red team 9c (around the first version of these rules) and honest answers 9b (false rejections)."""

    def test_more_ways_to_drive_an_input(self) -> None:
        udp = "\nprimitive drv(o, i); output o; input i; table 0:0; 1:0; endtable endprimitive"
        for body in ("buf (strong0, strong1) b0 (en, 1'b0);", "wire en = 1'b0;", "drv u0 (en, clk);"):
            src = f"module cnt(input clk, input en, output reg [7:0] q); {body} endmodule" + udp
            assert {r for r, _ in input_drivers(src)} == {"input_driven"}, body
        non_ansi = "module cnt(clk, en, q); input clk; input en; output [7:0] q; wire en = 1'b0; endmodule"
        assert input_drivers(non_ansi)
        assert input_drivers(non_ansi.replace("wire en = 1'b0;", "wire unused = 1'b0, en = ~clk;"))

    @pytest.mark.parametrize("body", [  # red team 9c S3-v2 and S3b
        "assign \\en  = ~clk;", "wire unused; not n0 (unused, en, clk);", "zero u0 (.*);", "zero u0 (.en, .clk);",
        "sink u0 (.p(en)); assign u0.p = ~clk;", "\\z2  u0 (.o(en), .c(clk));", "drv u0 (en, clk);"])
    def test_escaped_names_wildcard_ports_and_multi_output_gates(self, body: str) -> None:
        src = (f"module cnt(input clk, input en, output reg [7:0] q); {body} endmodule\n"
               "module zero (input clk, output en); assign en = ~clk; endmodule\nmodule sink (input p); endmodule\n"
               "module z2(output o, input c); assign o = ~c; endmodule\n"
               "primitive \\drv (o, i); output o; input i; table 0 : 1; 1 : 0; endtable endprimitive")
        assert {r for r, _ in input_drivers(src)} == {"input_driven"}, body

    def test_comparisons_in_expressions_are_not_assignments(self) -> None:
        for body in ("always @* case (1'b1) a == b: gt = 1'b1; a <= b: gt = 1'b0; default: gt = 1'b1; endcase",
                     "assert property (@(posedge clk) disable iff (s) a <= 8'd9);",
                     "assign gt = ~(s ? ($signed(a) <= $signed(b)) : a <= b);",
                     "always @(posedge clk) q <= s ? q : a <= b;", "assign gt = s ? 1'b0 : b <= a;"):
            src = f"module m(input clk, input s, input [7:0] a, input [7:0] b, output gt, output reg q); {body} endmodule"
            assert input_drivers(src) == [], body

    def test_own_generate_blocks_and_data_members(self) -> None:
        gen = ("module p(input clk, output y); genvar i; generate for (i = 0; i < 4; i++) begin wire acc; end "
               "endgenerate assign y = genblk1[0].acc; endmodule")
        assert scope_rules(gen) == []
        conditional = "module p(input clk, output y); if (1) begin wire r; end assign y = genblk1.r; endmodule"
        assert scope_rules(conditional) == []
        enum = ("module p(input clk); typedef enum {A, B} e_t; e_t state; always @(posedge clk) "
                "state <= state.next(); endmodule")
        assert foreign_scopes(enum, {"state"}) == []
        struct = ("module p(input clk); typedef struct packed {logic [1:0] idx;} s_t; s_t state; "
                  "always @(posedge clk) state.idx <= 1; endmodule")
        assert foreign_scopes(struct, {"state"}) == []
        # red team 9c S12: a name is declared only by the module that uses it, not by another module
        assert foreign_scopes("module mul(output [15:0] p); assign p = u_ref.p; endmodule\n"
                              "module mul_unused; wire u_ref; endmodule", set()) == ["u_ref"]
        label = "module p(input clk); if (1) begin : tb_top wire d; end assign y = tb_top.u_ref.p; endmodule"
        assert foreign_scopes(label, {"tb_top", "u_ref"}) == ["tb_top"]

    def test_parameter_names_for_the_probe(self) -> None:
        src = ("module m #(parameter W = 8, parameter int D = W * 2, localparam L = (W > 1) ? 2 : 3) "
               "(input [W-1:0] a); parameter X = 1, Y = f(2, 3); localparam [3:0] Z = 4; endmodule")
        assert parameter_names(src) == {"m": ["W", "D", "L", "X", "Y", "Z"]}


def test_s1_forcing_dma_desc_grant_is_rejected() -> None:
    ref = ROOT / "benchmarks/verilog_hard/problems/dma_desc/ref.v"
    code = ref.read_text().replace("endmodule", "  initial force mem_gnt = 1'b1;\nendmodule", 1)
    v = integrity_verdict(Candidate(code=code), "dma_desc")
    assert v is not None and (v.status, v.rule) == (Status.REJECTED, "force"), v
    assert integrity_verdict(Candidate(code=ref.read_text()), "dma_desc") is None


class TestCvdp:
    def test_text_rules_reject_before_any_simulation(self, mul8) -> None:  # type: ignore[no-untyped-def]
        s, problem, ctx = mul8
        cases = {
            "force": MUL8.replace("assign p = a * b;", "assign p = 0;\n    initial begin force a = 0; force b = 0; end"),
            "hierarchical_reference": MUL8.replace("a * b", "tb_top.u_ref.p"),
        }
        for rule, code in cases.items():
            v = score_response(s, problem, answer(code), ctx)
            assert (v.status, v.rule) == (Status.REJECTED, rule), (rule, v.reason)
        golden_force = MUL8.replace("a * b", "0").replace("endmodule", "initial force tb_top.u_ref.p = 16'd0;\nendmodule")
        assert score_response(s, problem, answer(golden_force), ctx).status == Status.REJECTED

    @pytest.mark.slow
    def test_the_interface_probe_compares_elaborated_widths_and_finds_upward_names(self, mul8) -> None:  # type: ignore[no-untyped-def]
        """Red team 9c S1/S2/S6/S9/S11/S12: widths and values hidden from a text reader (a macro-named
        module, an ifdef decoy, a ternary width, an escaped name) and an upward name behind a decoy
        declaration; honest answers 9b: equal widths written otherwise pass."""
        s, problem, ctx = mul8
        one = "module mul8 (input logic [0:0] a, input logic [0:0] b, output logic [15:0] p);\n    assign p = a & b;\nendmodule\n"
        attacks = {
            "macro": "`define M mul8\n" + one.replace("module mul8", "module `M"),
            "ifdef decoy": one + "`ifdef HWEVAL_NEVER\n" + MUL8 + "`endif\n",
            "ternary": one.replace("[0:0] a", "[(1 > 0 ? 0 : 7):0] a").replace("[0:0] b", "[(1 > 0 ? 0 : 7):0] b"),
            "escaped": one.replace("[0:0] a", "[0:0] \\a ").replace("a & b", "\\a  & b"),
            "automatic": one.replace("module mul8", "module automatic mul8"),  # 9c S19
            # 9c S18: the probe's own lines printed by the answer (the probe's tag is secret)
            "fake probe lines": one.replace("endmodule", 'initial $display("HWEVAL_PROBE mul8 W:a 8");\nendmodule'),
            # red team 9d S2: a module named like the probe's root made the probe's build fail, then a pass
            "probe decoy": one + "module hweval_probe_top; endmodule\n",
            # 9d S3: an input the answer declares an output it drives
            "direction": MUL8.replace("input logic [7:0] a", "output logic [7:0] a"),
            # 9d S4: a byte no UTF-8 decoder takes, printed while the probe reads
            "odd byte": one.replace("endmodule", 'initial $write("%c", 8\'d255);\nendmodule'),
        }
        for name, code in attacks.items():
            v = score_response(s, problem, answer(code), ctx)
            assert (v.status, v.rule) == (Status.REJECTED, "interface"), (name, v.reason)
        late = MUL8.replace("assign p = a * b;", "integer WIDTH = 8;\n    initial #1 WIDTH = 1;\n    assign p = a * b;")
        assert "WIDTH" not in MUL8  # the fixture's reference has no parameter: the late variable is harmless here
        assert score_response(s, problem, answer(late), ctx).status == Status.PASS
        upward = MUL8.replace("a * b", "u_ref.p") + "module mul8_unused; wire u_ref; endmodule\n"
        v = score_response(s, problem, answer(upward), ctx)
        assert (v.status, v.rule) == (Status.REJECTED, "hierarchical_reference"), v.reason
        honest = ["typedef logic [7:0] byte_t;\n" + MUL8.replace("input logic [7:0] a", "input byte_t a"),
                  MUL8.replace("[7:0] b", "[$clog2(256)-1:0] b")]
        for code in honest:
            v = score_response(s, problem, answer(code), ctx)
            assert v.status == Status.PASS, (code, v.reason, v.logs)

    @pytest.mark.slow
    def test_reference_passes_with_a_fresh_seed_each_time(self, mul8) -> None:  # type: ignore[no-untyped-def]
        s, problem, ctx = mul8
        seeds = []
        for _ in range(2):
            v = score_response(s, problem, s.reference_response(problem), ctx)
            assert v.status == Status.PASS, (v.reason, v.logs)
            seeds.append(v.stages["function"].data["seed"])
        assert seeds[0] != seeds[1]
        wrong = score_response(s, problem, answer(MUL8.replace("a * b", "a + b")), ctx)
        assert wrong.status == Status.FAIL


def test_the_probe_requires_a_reference_parameter_to_be_a_parameter(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Red team 9c S15: ``integer WIDTH = 8; initial #1 WIDTH = 1;`` read 8 at the probe's time 0
    and 1 when the test read it; a defparam of the probe (which only a parameter takes) finds it."""
    import shutil

    from benchmarks.cvdp.probe import check

    if shutil.which("iverilog") is None:
        pytest.skip("needs iverilog")
    ref = ("module mul #(parameter WIDTH = 8) (input [WIDTH-1:0] a, input [WIDTH-1:0] b, output [2*WIDTH-1:0] p);\n"
           "  assign p = a * b;\nendmodule\n")
    late = tmp_path / "late.sv"
    late.write_text("module mul (input [7:0] a, input [7:0] b, output [15:0] p);\n  integer WIDTH = 8;\n"
                    "  initial #1 WIDTH = 1;\n  assign p = {15'b0, a[0] & b[0]};\nendmodule\n")
    names = {"WIDTH", "a", "b", "p"}
    assert check([late], [], [], ref, ["mul"], names) == (
        "interface", "the answer declares WIDTH as something other than a parameter")
    good = tmp_path / "good.sv"
    good.write_text(ref.replace("a * b", "b * a"))
    assert check([good], [], [], ref, ["mul"], names) is None
