"""The design scored is the design tested: a passing answer's yosys netlist must pass the tests too.

Icarus simulates the answer; yosys synthesises it for the area, cell and depth scores. The two
tools elaborate the same text, but not always the same way: a constant function or expression
they evaluate differently (``$bits(1.0)`` is 1 in Icarus and 32 in yosys; the signedness of
``2**31``; X in a constant condition) can pick one ``generate`` branch in simulation and another
in synthesis, so a full multiplier passes its tests while yosys scores ``assign p = 0`` (red team
round 7 S6). Closing each divergence by name would be a denylist; instead yosys writes the
netlist it scored (``write_verilog``, internal names made ordinary) and the problem's own tests
run on it, as on any answer (with :data:`NETLIST_TIME_FACTOR` times the wall limit: gate-level
simulation is slower). A netlist that fails them (``fail``, ``runtime_error``, ``timeout``, ``rejected``) makes the answer not synthesizable: its area, cells and depth are not reported and
it counts against the synthesis rate; the functional verdict stands.

A netlist that does not build counts as not completing the tests (:func:`must_build`) wherever
the tests build the reference's own netlist (:class:`ReferenceBuilds`). Where they cannot build
that either (a testbench setting the design's parameters in a form
:mod:`harness.families.verilog.tbparams` cannot give the netlist, such as two different
overrides), or the harness failed, the netlist is not checked
(``stages.synth.data.netlist.checked = false``) and, like one too large to bring back, gets no
area, cells or depth: a check an answer could steer itself around never leaves its scores standing
(before, such a netlist kept them, and under ``--simulator verilator`` 18 reference netlists failed
the build on UNOPTFLAT, so every answer's netlist there stayed unchecked with its area kept). The
netlist keeps no name the answer chose but its ports (``synth.HIDE_NAMES``), so its size is that of
its cells (red team round 8 S1 made one of 9 MB from public names and no cells).
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from harness.types import Status, Verdict

if TYPE_CHECKING:
    from harness.families.verilog.synth import Retest, SynthResult
    from harness.suite import EvalContext

NETLIST_MAX_CHARS = 8_000_000  # a longer netlist is not brought back from yosys (synth._yosys)
#: what says nothing about the netlist's function: it could not be built, or the harness failed (a
#: timeout is not among them: a netlist that never settles, a loop yosys kept, must not escape the check;
#: nor ``no_code``: yosys always writes a module, so a netlist read as none was made unreadable by a name)
UNCHECKED = (Status.SYNTAX_ERROR, Status.INFRA_ERROR)
NETLIST_TIME_FACTOR = 3  # the netlist's run gets this many times the sample's wall limit: gates simulate slower


def netlist_check(cand: SynthResult, retest: Retest) -> tuple[SynthResult, dict[str, Any]]:
    """``cand`` (not synthesizable when its netlist fails the tests), and what the check found."""
    if not cand.netlist:  # names are not the answer's (HIDE_NAMES): only cells make it this large
        reason = (f"yosys's netlist of the answer did not come back (over {NETLIST_MAX_CHARS} characters, or not "
                  "written): a netlist that cannot be checked gets no area, cells or depth")
        return (replace(cand, synthesizable=False, cells=None, area=None, depth=None, reason=reason),
                {"checked": False, "reason": "no netlist came back from yosys (too large, or not written)"})
    verdict = retest(cand.netlist)
    found: dict[str, Any] = {"checked": verdict.status not in UNCHECKED, "status": str(verdict.status),
                             "reason": verdict.reason.strip()[:600]}
    if verdict.status is Status.PASS:
        return cand, found
    if verdict.status in UNCHECKED:
        why = ("the harness failed running the tests on it" if verdict.status is Status.INFRA_ERROR else
               "the tests cannot build it, nor the reference's netlist")
        reason = (f"yosys's netlist of the answer could not be checked ({why}: {verdict.reason.strip()[:300]}): "
                  "a netlist that cannot be checked gets no area, cells or depth")
    elif verdict.status in (Status.FAIL, Status.REJECTED):
        reason = (f"yosys's netlist of the answer fails the problem's tests ({verdict.status}: "
                  f"{verdict.reason.strip()[:300]}): the design synthesised is not the design simulated")
    else:  # ran out of time or memory, or crashed: not shown to be the design tested, so not credited
        reason = (f"yosys's netlist of the answer did not complete the problem's tests ({verdict.status}: "
                  f"{verdict.reason.strip()[:300]}): a netlist that cannot be checked gets no area, cells or depth")
    return replace(cand, synthesizable=False, cells=None, area=None, depth=None, reason=reason), found


def must_build(verdict: Verdict) -> Verdict:
    """Where a netlist that does not build has no honest cause (the cocotb suites, whose test
    modules set no parameters; a testbench that builds the reference's netlist), it is not left
    unchecked (which would keep the scores) but counted as not completing the tests."""
    if verdict.status is not Status.SYNTAX_ERROR:
        return verdict
    return replace(verdict, status=Status.RUNTIME_ERROR,
                   reason=f"the netlist did not build for the tests: {verdict.reason.strip()[:400]}")


class ReferenceBuilds:
    """Whether the tests build the reference's own netlist, found once per problem and only when
    an answer's netlist first fails to build: where they do, that failure has no honest cause."""

    def __init__(self) -> None:
        self._known: dict[str, bool] = {}
        self._lock = threading.Lock()

    def __call__(self, key: str, run: Callable[[], Status]) -> bool:
        with self._lock:
            known = self._known.get(key)
        if known is not None:
            return known
        status = run()
        if status is Status.INFRA_ERROR:  # says nothing about the netlist: not kept
            return False
        with self._lock:
            self._known[key] = status is not Status.SYNTAX_ERROR
        return status is not Status.SYNTAX_ERROR

    def check(self, key: str, netlist: str, reference: str, top: str, ctx: EvalContext,
              test: Callable[[str], Verdict], wrapper: Any = None) -> Verdict:
        """``test`` on an answer's ``netlist``, a build failure counted against it where ``test``
        builds the reference's netlist (:func:`checked_build`, :func:`reference_status`; ``key``
        names the problem)."""
        return checked_build(test(netlist), lambda: self(key, lambda: reference_status(reference, top, ctx, test,
                                                                                       wrapper)))


def reference_status(reference: str, top: str, ctx: EvalContext, test: Callable[[str], Verdict],
                     wrapper: Any = None) -> Status:
    """The status of the tests on the reference's netlist (``syntax_error`` when there is none)."""
    from harness.families.verilog.synth import synthesize

    ref = synthesize(reference, top, ctx, netlist=True, wrapper=wrapper)
    return test(ref.netlist).status if ref.synthesizable and ref.netlist else Status.SYNTAX_ERROR


def checked_build(verdict: Verdict, reference_builds: Callable[[], bool]) -> Verdict:
    """``verdict`` of an answer's netlist, a build failure made :func:`must_build`'s where the
    reference's netlist builds (``reference_builds``, asked only then)."""
    if verdict.status is Status.SYNTAX_ERROR and reference_builds():
        return must_build(verdict)
    return verdict


def netlist_context(ctx: EvalContext) -> EvalContext:
    """``ctx`` with :data:`NETLIST_TIME_FACTOR` times its wall limit, for the netlist's run."""
    return replace(ctx, limits=replace(ctx.limits, wall_s=ctx.limits.wall_s * NETLIST_TIME_FACTOR))
