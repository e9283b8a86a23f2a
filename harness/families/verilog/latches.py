"""How yosys treats latches when it scores a design (:mod:`harness.families.verilog.synth`,
:mod:`harness.families.verilog.wrapsynth`): an ``always_comb`` latch synthesises, and depth is
measured through latches."""
from __future__ import annotations

#: before ``synth``: an ``always_comb`` that infers a latch synthesises as the same ``always @*``
#: does (a latch cell) instead of failing yosys: VerilogEval's own references write FSM next-state
#: logic so (``case`` without a default over unused state codes; honest round 13 P3: six references
#: and every answer in their style lost area/depth as "not synthesizable")
COMB_LATCHES = "setattr -unset always_comb p:*"


def _latch_map() -> str:
    """A techmap making every latch cell one level of logic from all its inputs to ``Q``."""
    groups = {"E, D": ["$_DLATCH_P_", "$_DLATCH_N_"],
              "E, R, D": [f"$_DLATCH_{e}{r}{v}_" for e in "NP" for r in "NP" for v in "01"],
              "E, S, R, D": [f"$_DLATCHSR_{e}{s}{r}_" for e in "NP" for s in "NP" for r in "NP"],
              "S, R": [f"$_SR_{s}{r}_" for s in "NP" for r in "NP"]}
    return "".join(f'(* techmap_celltype = "{" ".join(types)}" *)\nmodule _hweval_latch{i} ({ports}, Q);\n'
                   f"  input {ports}; output Q;\n  assign Q = &{{{ports}}};\nendmodule\n"
                   for i, (ports, types) in enumerate(groups.items()))


#: the file the depth measurement maps latches with (:data:`DEPTH`)
LATCH_MAP_FILE, LATCH_MAP = "hweval_latches.v", _latch_map()
#: depth (``ltp -noff``) is measured with every latch transparent, one level of logic: ``ltp`` stops at
#: sequential cells, so an always-open latch (``always @* if (en) q = d;`` with ``en`` always 1)
#: split a combinational path in two and halved its depth (red team 13 B2, where the reference itself
#: has latches: the six VerilogEval FSMs of ``COMB_LATCHES``); the scored design is restored after
DEPTH = ("design -save hweval_scored", f"techmap -map {LATCH_MAP_FILE}", "tee -q -o ltp.txt ltp -noff",
         "design -load hweval_scored")
