"""Is a surviving Verilog mutant equivalent to the reference? (yosys, in the sandbox; the Verilog
suites' ``audit_equivalence`` for ``hweval audit``)

Designs without flip-flops: a SAT miter over every input, which proves equivalence or finds a
counterexample. Designs with flip-flops: a bounded check from reset, a miter of reference and
mutant with both sets of registers zeroed, the reset input asserted in the first cycle and every
output compared for ``depth`` cycles after it. A difference is a counterexample; none within
the bound is bounded equivalence (``equivalent_bounded``), which the audit sets aside like a
proof and says so. When the ``equiv_induct`` pass of the ``--equiv`` stage
(:func:`harness.families.verilog.synth.equivalence`) also proves the induction step, the
bounded check is its base case and the mutant is ``equivalent`` outright. (``equiv_induct``
alone is no proof: it assumes the designs agreed for the previous cycles, so a change in a
state unreachable from reset "proves" too.)
"""
from __future__ import annotations

import re
import time

from harness.families.verilog.extract import module_spans
from harness.families.verilog.lexer import tokenize
from harness.families.verilog.synth import _has_state, _yosys, equivalence
from harness.proc import tail
from harness.suite import DEFAULT_EQUIV_DEPTH, Equivalence, EvalContext
from harness.types import Problem

INDUCT_SEQ = 5  # the -seq of synth.equivalence's equiv_simple/equiv_induct
_RESET = re.compile(r"(?i)^(a|s)?(rst|reset|clr|clear)(_?n|_?b|_?ni)?$")
_ACTIVE_LOW = re.compile(r"(?i)(_?n|_?b|_?ni)$")
_PORT_SKIP = {"wire", "reg", "logic", "signed", "unsigned", "var"}


def input_ports(src: str, top: str) -> list[str]:
    """Names of the input ports of module ``top`` (ANSI or not), in order."""
    span = next(((a, b) for name, a, b in module_spans(src) if name == top), None)
    toks = tokenize(src[span[0]:span[1]] if span else src)
    names: list[str] = []
    for i, tok in enumerate(toks):
        if tok.text != "input":
            continue
        depth = 0
        for t in toks[i + 1:]:
            if depth == 0 and t.text in (";", ")", "input", "output", "inout"):
                break
            depth += t.text in ("[", "(", "{")
            depth -= t.text in ("]", ")", "}")
            if depth == 0 and t.kind == "ident" and t.text not in _PORT_SKIP:
                names.append(t.text)
    return list(dict.fromkeys(names))


def reset_port(problem: Problem) -> tuple[str, int] | None:
    """(name, active level) of the reset input: the problem's ``meta.toml`` says, else its name."""
    meta = problem.data.get("meta") or {}
    if meta.get("reset"):
        return str(meta["reset"]), 0 if str(meta.get("reset_active", "high")).lower() == "low" else 1
    for name in input_ports(problem.reference or "", problem.data.get("top", "")):
        if _RESET.match(name):
            return name, 0 if _ACTIVE_LOW.search(name) else 1
    return None


def _miter_script(top: str, sat_args: str) -> str:
    """Reference (gold) and mutant (gate) in one miter, then ``sat`` on it. ``-ignore_gold_x``
    (what the reference leaves undefined may be anything) is only sound with ``-enable_undef``."""
    def load(name: str) -> list[str]:
        return [f"read_verilog -sv {name}.sv", f"hierarchy -top {top}", "proc", "flatten", "memory",
                "opt_clean", f"rename {top} {name}", f"design -stash {name}"]

    return "\n".join([
        *load("gold"), *load("gate"),
        "design -copy-from gold -as gold gold", "design -copy-from gate -as gate gate",
        "async2sync", "miter -equiv -flatten -make_assert -ignore_gold_x gold gate miter", "hierarchy -top miter",
        f"tee -o sat.txt sat -verify -prove-asserts -enable_undef -set-def-inputs {sat_args} -show-ports "
        "-timeout 120 miter",
    ]) + "\n"


def _bmc_script(top: str, depth: int, reset: tuple[str, int] | None) -> str:
    at = f" -set-at 1 in_{reset[0]} {reset[1]}" if reset else ""
    return _miter_script(top, f"-seq {depth + 1} -set-init-zero{at} -prove-skip 1")


def _sat(reference: str, code: str, ctx: EvalContext, script: str) -> tuple[str, str, float]:
    """(verdict, detail, wall): verdict is proven | counterexample | timeout | error | no_yosys | infra."""
    t0 = time.monotonic()
    res, out = _yosys(ctx, {"gold.sv": reference, "gate.sv": code}, script, ("sat.txt",))
    wall = time.monotonic() - t0
    if res is None:
        return "no_yosys", "yosys not found: apt-get install yosys", wall
    if res.infra_error:
        return "infra", res.infra_error, wall
    text = out.get("sat.txt", "")
    if "TIMEOUT" in text or res.timed_out:
        return "timeout", "the SAT solver ran out of time", wall
    if "FAIL!" in text:
        return "counterexample", "", wall
    if res.returncode == 0 and "SUCCESS!" in text:
        return "proven", "", wall
    return "error", tail(res.stderr or res.stdout, 600), wall


def combinational(reference: str, code: str, top: str, ctx: EvalContext) -> Equivalence:
    """A SAT miter over every input: proves equivalence or finds a counterexample."""
    verdict, detail, wall = _sat(reference, code, ctx, _miter_script(top, ""))
    return _result(verdict, detail, wall, "sat", "proven equivalent (SAT miter)", "counterexample (SAT miter)")


def _result(verdict: str, detail: str, wall: float, method: str, proven: str, differs: str,
            proven_status: str = "equivalent") -> Equivalence:
    status = {"proven": proven_status, "counterexample": "different", "no_yosys": "not_checked",
              "infra": "infra_error"}.get(verdict, "unknown")
    return Equivalence(status, method, {"proven": proven, "counterexample": differs}.get(verdict, detail), wall)


def bounded(reference: str, code: str, top: str, ctx: EvalContext, depth: int,
            reset: tuple[str, int] | None) -> Equivalence:
    """Outputs equal for ``depth`` cycles after a reset cycle (a bounded model check)?"""
    how = f"reset {reset[0]}={reset[1]}" if reset else "no reset input, registers zeroed"
    verdict, detail, wall = _sat(reference, code, ctx, _bmc_script(top, depth, reset))
    return _result(verdict, detail, wall, "bmc", f"no difference in {depth} cycles after reset ({how})",
                   f"outputs differ within {depth} cycles after reset ({how})", "equivalent_bounded")


def verilog_equivalence(problem: Problem, code: str, ctx: EvalContext,
                        depth: int = DEFAULT_EQUIV_DEPTH) -> Equivalence:
    """The audit's equivalence check of the Verilog suites (``audit_equivalence``)."""
    reference, top = problem.reference or "", problem.data.get("top", "")
    if not (_has_state(reference) or _has_state(code)):
        return combinational(reference, code, top, ctx)
    t0 = time.monotonic()
    # equiv_induct proves the induction step only (equal for INDUCT_SEQ cycles -> equal after);
    # the bounded check from reset supplies the base case.
    proof = equivalence(reference, code, top, ctx)
    if proof.status in ("not_run", "infra_error"):
        return Equivalence("not_checked" if proof.status == "not_run" else "infra_error", "equiv_induct",
                           proof.reason, proof.wall_s)
    proven = proof.status == "pass"
    out = bounded(reference, code, top, ctx, max(depth, INDUCT_SEQ + 1) if proven else depth, reset_port(problem))
    out.wall_s = time.monotonic() - t0
    if proven and out.status == "equivalent_bounded":
        return Equivalence("equivalent", "equiv_induct+bmc", f"induction step proven (equiv_induct), base case: "
                           f"{out.reason}", out.wall_s)
    if out.status == "unknown":
        out.reason = f"equiv_induct: {proof.reason}; bmc: {out.reason}"
    return out
