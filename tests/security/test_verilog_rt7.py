"""Issue #14, Verilog family, round 7: known gaps closed, then the red team's round 7 findings.

- Reach rule under Verilator: a candidate that names a trusted (renamed) module, instance,
  signal or task of a verilog-hard wrapper gets the same ``rejected`` whether Icarus builds it,
  the ``-S fallback=verilator`` retry builds it (after Icarus failed on a construct it cannot
  parse), or ``--simulator verilator`` builds it. Before, the Verilator paths said ``syntax_error``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from benchmarks.verilog_hard import VerilogHardSuite
from harness.families.verilog import isolation
from harness.families.verilog.extract import extract_verilog
from harness.sandbox.local import BubblewrapSandbox
from harness.suite import EvalContext, SuiteOptions
from harness.types import Status, Verdict

# -- the reach rule reads Verilator's messages ----------------------------------------------------
TRUSTED = frozenset({"hweval_crc_wrap", "u16f", "secret", "chk", "pk"})
VERILATOR_REACH = {
    # message (as Verilator 5 prints it) -> rule
    "%Error-MODMISSING: design.v:2:3: Cannot find file containing module: 'hweval_crc_wrap'": "foreign_module",
    "%Error: design.v:2:14: Can't find definition of scope/variable: 'u16f'": "hierarchical_reference",
    "%Error: design.v:2:14: Can't find definition of variable: 'secret'": "hierarchical_reference",
    "%Error: design.v:2:11: Can't find definition of task/function: 'chk'": "hierarchical_reference",
    "%Error: design.v:2:19: Can't find definition of block/task: 'hweval_crc_wrap'": "hierarchical_reference",
    "%Error: design.v:2:20: Can't find definition of 'u16f' in dotted scope/variable: '$root.u16f'":
        "hierarchical_reference",
    "%Error: design.v:2:16: Can't find definition of 'x' in dotted variable/method: 'u16f.x'": "hierarchical_reference",
    "%Error: design.v:2:19: In defparam, instance hweval_crc_wrap never declared": "hierarchical_reference",
    "%Error: design.v:2:10: Import package not found: 'pk'": "hierarchical_reference",
    "%Error: design.v:2:14: Package/class for ':: reference' not found: 'pk'": "hierarchical_reference",
}


@pytest.mark.parametrize("line", sorted(VERILATOR_REACH))
def test_reach_rule_reads_verilator_messages(line: str) -> None:
    found = isolation.reach_rule(line, TRUSTED)
    assert found is not None and found[0] == VERILATOR_REACH[line], (line, found)


def test_reach_rule_leaves_verilator_errors_on_the_candidates_own_names() -> None:
    for line in ("%Error-MODMISSING: design.v:2:3: Cannot find file containing module: 'helper'",
                 "%Error: design.v:2:14: Can't find definition of variable: 'typo_sig'",
                 "%Error: design.v:2:16: Can't find definition of 'secret' in dotted variable/method: 'mine.secret'",
                 "%Error: design.v:4:1: syntax error, unexpected endmodule"):
        assert isolation.reach_rule(line, TRUSTED) is None, line


# -- end to end: the same status from every build path -------------------------------------------
def _break_loop(code: str) -> str:
    """``code`` with a `break` Icarus 11 cannot parse (the loop is unchanged: i < 8 anyway)."""
    marker = "                if (fb) absorb = absorb ^ POLY;\n"
    assert marker in code
    return code.replace(marker, marker + "                if (i > 8) break;\n", 1)


REACH_ATTACKS = {
    # the sibling instance of the wrapper, reached upwards by its (renamed) instance name
    "sibling_instance": ("    reg [W-1:0] r;\n", "    reg [W-1:0] r;\n    wire [15:0] peek = u16f.crc_out;\n"),
    # the wrapper module itself, instantiated inside a branch only W == 5 elaborates
    "wrapper_module": ("    genvar k;\n", "    generate if (W == 5) begin : g_w\n        hweval_crc_wrap w();\n"
                       "    end endgenerate\n    genvar k;\n"),
}
MODES = {"icarus": {"fallback": "off"}, "fallback": {}, "verilator": {"simulator": "verilator"}}


def _crc(code_of: Any, options: dict[str, str], tmp_path: Path) -> Verdict:
    suite = VerilogHardSuite(SuiteOptions(extra={"synth": "off", "lint": "off", **options}))
    problem = next(p for p in suite.problems() if p.id == "crc_engine")
    candidate = extract_verilog(f"```verilog\n{code_of(problem.reference)}```", problem.data["top"])
    assert candidate is not None
    return suite.evaluate(problem, candidate, EvalContext(sandbox=BubblewrapSandbox(), scratch_root=tmp_path))


def _attack(name: str, mode: str):  # type: ignore[no-untyped-def]
    old, new = REACH_ATTACKS[name]

    def code_of(ref: str) -> str:
        assert old in ref
        code = ref.replace(old, new, 1)
        return _break_loop(code) if mode == "fallback" else code
    return code_of


@pytest.mark.slow
@pytest.mark.parametrize("mode", sorted(MODES))
@pytest.mark.parametrize("attack", sorted(REACH_ATTACKS))
def test_reaching_the_wrapper_is_rejected_on_every_build_path(attack: str, mode: str, tmp_path: Path) -> None:
    verdict = _crc(_attack(attack, mode), MODES[mode], tmp_path)
    assert verdict.status is Status.REJECTED, (verdict.reason, verdict.stages)
    assert verdict.rule == ("foreign_module" if attack == "wrapper_module" else "hierarchical_reference")
    assert "function" not in verdict.stages
    if mode == "fallback":
        assert verdict.metrics.get("simulator") == "verilator" and "icarus" in verdict.stages, verdict.stages


@pytest.mark.slow
def test_own_names_equal_to_trusted_ones_pass_under_the_fallback(tmp_path: Path) -> None:
    """An honest answer whose own signal is called like a wrapper instance (``u16f``) and whose
    loop Icarus cannot parse passes through Verilator: only unresolved trusted names count."""
    def code_of(ref: str) -> str:
        code = ref.replace("    wire [W-1:0] base = start ? INIT : r;\n",
                           "    wire [W-1:0] u16f = r;\n    wire [W-1:0] base = start ? INIT : u16f;\n", 1)
        assert "u16f" in code
        return _break_loop(code)
    verdict = _crc(code_of, {}, tmp_path)
    assert verdict.status is Status.PASS, (verdict.reason, verdict.stages)
    assert verdict.metrics.get("simulator") == "verilator"
