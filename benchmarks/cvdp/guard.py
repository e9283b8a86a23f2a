"""Inside the CVDP sandbox job: the pieces that keep the candidate away from the verdict.

- :func:`check_answer`: every candidate HDL file is seen as the compiler sees it (Icarus's
  preprocessor, comments blanked: :func:`harness.jobs.verilog_check.check_candidate`), checked
  against the Verilog family's allowlists, and the checked text replaces the raw file, so what
  was scanned is exactly what CVDP's ``runner.build`` compiles. An
  instance of a module that exists only in the hidden harness is looked for in that text too.
- :class:`Drain`: file descriptors 1 and 2 of the job (pytest's and every simulator's output) go
  to a pipe that a thread empties, keeping a bounded head and tail in memory: a design that
  prints without end costs time (it ends as ``timeout``), never the job's file-size limit or
  the verdict channel, which stays on a descriptor of its own.
- :class:`Reports`: each ``cocotb_tools`` ``Runner.test`` call made by the harness also loads
  :mod:`benchmarks.cvdp.report` (:mod:`harness.jobs.cocotb_report`, results file kept), whose per-test outcomes come back over a pipe the simulator
  inherits. A service passes only when pytest passes *and* every simulation reported its tests,
  all passing, and then exited: a ``results.xml`` rewritten by anyone cannot make a pass.
"""
from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Any

from harness.families.verilog.extract import module_spans
from harness.families.verilog.wire import fit_record
from harness.jobs.cocotb_job import _Channel, function_record
from harness.jobs.verilog_check import check_candidate, define_lines

#: Loaded before the harness's test modules in every simulation (per-test reports over a pipe).
REPORT_MODULE = "benchmarks.cvdp.report"
#: Bytes of the job's own output kept for the log: this much of the head and of the tail.
KEEP = 48 * 1024


def check_answer(files: list[str], hidden: list[str], reference: str = "", modules: list[str] | None = None,
                 sets: list[dict[str, Any]] | None = None, unknown: list[str] | None = None,
                 context: list[str] | None = None) -> dict[str, Any]:
    """The ``integrity`` record for the candidate's HDL files (paths relative to the job folder):
    the Verilog family's rules on the text the compiler reads, no instance of a hidden module, and
    (given the reference's text and the modules the test reaches) the interface probe, at the
    defaults and at each parameter set the harness builds with (``sets``, :mod:`.params`;
    ``unknown``: the services whose sets could not be found; ``context``: the problem's provided HDL
    files, whose modules' port directions count when the answer instantiates them)."""
    from harness.families.verilog.tbeval import instantiations

    t0 = time.monotonic()

    def rejected(rule: str, reason: str) -> dict[str, Any]:
        return {"stage": "integrity", "status": "rejected", "rule": rule, "wall_s": time.monotonic() - t0,
                "data": {}, "reason": reason}

    defines = "".join(define_lines(Path(name).read_text(errors="replace")) for name in context or []
                      if Path(name).is_file())  # a context file of macros compiled before the answer (honest11 F5)
    for name in files:
        rec = check_candidate(name, name, defines=defines)  # the checked text replaces the raw file
        rec["data"].pop("compiled", None)
        rec["data"].pop("warnings", None)
        if rec["status"] != "pass":
            rec["reason"] = f"{Path(name).name}: {rec['reason']}"
            return rec
        used = sorted({mod.lstrip("\\") for mod, _ in instantiations(Path(name).read_text(errors="replace"))} & set(hidden))
        if used:
            return rejected("foreign_module", f"{Path(name).name} instantiates {', '.join(used)}, defined only in "
                                              "the hidden harness")
    if reference:  # a name only the harness declares (10a S6); then each file's directives end with it (10a S7)
        from benchmarks.cvdp.standalone import end_directives, hidden_use

        harness = "\n".join(p.read_text(errors="replace") for p in sorted((Path.cwd() / "src").rglob("*"))
                            if p.suffix.lower() in (".v", ".sv", ".vh", ".svh"))
        found = hidden_use(files, reference, harness)
        if found is not None:
            return rejected(*found)
        end_directives(files, reference)
    if len(files) > 1 or context:  # a module of one file driving an input of another's (red team 9c S3d),
        # or an instance of a provided module driving an answer module's input (11a S11)
        from harness.families.verilog.drivers import input_drivers, scope_rules

        together = "\n".join(Path(name).read_text(errors="replace") for name in files)
        own = {name.lstrip("\\") for name, _, _ in module_spans(together)}
        given = "\n".join(Path(name).read_text(errors="replace") for name in context or [] if Path(name).is_file())
        found = input_drivers(together + "\n" + given, modules=own) + (scope_rules(together) if len(files) > 1 else [])
        for rule, detail in found:
            return rejected(rule, f"across the answer's files: {detail}")
    if reference and modules:
        broken = alone(files, reference, modules, sets or [])  # the answer's own compile error (honest12 O1)
        if broken is not None:
            return {"stage": "integrity", "status": "syntax_error", "wall_s": time.monotonic() - t0, "data": {},
                    "reason": broken}
        found = _probe(files, reference, modules) or interface_at(files, reference, modules, sets or [])
        if found is None and unknown and _parameterised(reference, modules):  # fail closed (9c S17)
            found = ("interface", f"the parameter values service {unknown[0]} builds with could not be found "
                                  "(no build was recorded), and the reference is parameterised")
        if found is not None:
            return rejected(*found)
    return {"stage": "integrity", "status": "pass", "wall_s": time.monotonic() - t0, "reason": "",
            "data": {"files": len(files)}}


def _parameterised(reference: str, modules: list[str]) -> bool:
    from harness.families.verilog.paramdefaults import parameter_names

    names = parameter_names(reference)
    return any(names.get(m) for m in modules)


def interface_at(files: list[str], reference: str, modules: list[str],
                 sets: list[dict[str, Any]]) -> tuple[str, str] | None:
    """The interface probe at each of the harness's parameter sets (:func:`benchmarks.cvdp.probe.check_set`)."""
    for one in sets:
        found = _probe(files, reference, modules, one)
        if found is not None:
            return found
    return None


def _probe(files: list[str], reference: str, modules: list[str],
           build: dict[str, Any] | None = None) -> tuple[str, str] | None:
    from benchmarks.cvdp.probe import check, check_set
    from benchmarks.cvdp.standalone import unread_localparams
    from harness.families.verilog.lexer import tokenize

    answer, contexts, harness = _sides(files, reference)
    texts = [f.read_text(errors="replace") for f in answer]
    names = {t.text.lstrip("\\") for text in texts for t in tokenize(text) if t.kind == "ident"}
    names -= unread_localparams(reference, Path.cwd())  # compared only where the harness reads them (honest10 F2)
    if build is not None:
        return check_set(answer, contexts, harness, reference, modules, names, build)
    return check(answer, contexts, harness, reference, modules, names)


def _sides(files: list[str], reference: str) -> tuple[list[Path], tuple[list[Path], list[Path]], list[Path]]:
    """(the answer's files, (the problem's context files beside the answer, beside the reference),
    the harness's HDL files): each side's context less the files defining a module that side defines."""
    root = Path.cwd()
    answer = [root / f for f in files]
    own = {n.lstrip("\\") for f in answer for n, _, _ in module_spans(f.read_text(errors="replace"))}
    ref_own = {n.lstrip("\\") for n, _, _ in module_spans(reference)}

    def context(defined: set[str]) -> list[Path]:  # the problem's files, less those the side replaces
        return [p for p in sorted((root / "code").rglob("*")) if p.suffix.lower() in (".v", ".sv") and p not in answer
                and not ({n.lstrip("\\") for n, _, _ in module_spans(p.read_text(errors="replace"))} & defined)]

    harness = [p for p in sorted((root / "src").rglob("*")) if p.suffix.lower() in (".v", ".sv")]
    return answer, (context(own), context(ref_own)), harness


def alone(files: list[str], reference: str, modules: list[str], sets: list[dict[str, Any]]) -> str | None:
    """Icarus's complaint when the answer's files do not compile as the harness's build compiles
    them where the reference's do (:func:`benchmarks.cvdp.hierarchy.compile_build`: the build's top
    as the root, its ``-P``/``-D``; at the defaults the harness's or context files' tops that reach
    the answer, else the tested modules the answer defines; then each of the harness's parameter
    sets). Such an answer is the build's ``syntax_error`` (an interface port or a cast Icarus does
    not take: honest12 O1), told before the probe, whose failure to elaborate an answer that does
    compile so as its child stays a fail-closed ``interface``/``hierarchical_reference``."""
    import re
    import tempfile

    from benchmarks.cvdp.hierarchy import compile_build, roots

    answer, (ans_context, ref_context), harness = _sides(files, reference)
    own = {n.lstrip("\\") for f in answer for n, _, _ in module_spans(f.read_text(errors="replace"))}
    context_text = "\n".join(f.read_text(errors="replace") for f in [*ans_context, *harness])
    tops = roots(modules, own, context_text) or [m for m in modules if m in own]
    builds = [(top, None) for top in tops] + [(b["top"], b) for b in sets]
    with tempfile.TemporaryDirectory(prefix="hweval-alone-") as tmp:
        (Path(tmp) / "reference.sv").write_text(reference)
        for k, (top, build) in enumerate(builds):
            if not re.fullmatch(r"[A-Za-z_][\w$]*", top):
                continue
            (Path(tmp) / f"b{k}" / "ref").mkdir(parents=True)
            image, why = compile_build([*answer, *ans_context, *harness], top, Path(tmp) / f"b{k}", build)
            if image is None and compile_build([Path(tmp) / "reference.sv", *ref_context, *harness], top,
                                               Path(tmp) / f"b{k}" / "ref", build)[0] is not None:
                values = ", ".join(f"{n}={v}" for n, v in [*(build or {}).get("parameters", {}).items(),
                                                           *(build or {}).get("defines", {}).items()])
                return (f"the answer does not compile as the harness's build compiles it (top {top}{', ' if values else ''}"
                        f"{values}), where the reference does:\n{why.replace(f'{Path.cwd()}/', '').strip()}")
    return None


class Drain:
    """Point fds 1 and 2 at a pipe emptied by a thread; :meth:`close` restores nothing, it ends the
    pipe and returns what was kept (head, a marker, tail), at most about ``2 * KEEP`` bytes."""

    def __init__(self) -> None:
        read_fd, write_fd = os.pipe()
        os.dup2(write_fd, 1)
        os.dup2(write_fd, 2)
        os.close(write_fd)
        self.head = bytearray()
        self.tail = bytearray()
        self.total = 0
        self._fd = read_fd
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while chunk := os.read(self._fd, 1 << 16):
            self.total += len(chunk)
            room = KEEP - len(self.head)
            if room > 0:
                self.head += chunk[:room]
                chunk = chunk[room:]
            if chunk:
                self.tail += chunk
                if len(self.tail) > 2 * KEEP:
                    del self.tail[:-KEEP]

    def close(self) -> bytes:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        os.close(null)
        self._thread.join(timeout=5)  # a leftover child may still hold the pipe: keep what came
        tail = bytes(self.tail[-KEEP:])
        skipped = self.total - len(self.head) - len(tail)
        marker = f"\n... [{skipped} bytes of output left out] ...\n".encode() if skipped > 0 else b""
        return bytes(self.head) + marker + tail


class Reports:
    """Wrap ``cocotb_tools.runner.Runner.test`` so every simulation reports over its own pipe."""

    def __init__(self) -> None:
        from cocotb_tools import runner as cocotb_runner

        self.records: list[dict[str, Any]] = []
        self._orig = cocotb_runner.Runner.test
        reports = self

        def test(runner: Any, *args: Any, **kwargs: Any) -> Any:
            if args:
                args = (reports._with_report(args[0]), *args[1:])
            else:
                kwargs["test_module"] = reports._with_report(kwargs.get("test_module", ""))
            channel = _Channel(runner)
            runner._execute_cmds = channel.execute
            t0 = time.monotonic()
            try:
                return reports._orig(runner, *args, **kwargs)
            finally:
                log = Path(kwargs.get("log_file") or os.devnull)
                reports.records.append(function_record(channel, time.monotonic() - t0, log))

        cocotb_runner.Runner.test = test  # type: ignore[method-assign, assignment]

    @staticmethod
    def _with_report(modules: Any) -> list[str]:
        names = [modules] if isinstance(modules, str) else [str(m) for m in modules]
        return [REPORT_MODULE, *names]

    def take(self) -> list[dict[str, Any]]:
        """The records of the simulations since the last call."""
        out, self.records = self.records, []
        return out


def send(fd: int, nonce: str, record: dict[str, Any]) -> None:
    """One verdict line on ``fd`` (the job's original stdout), written whole, within its byte budget."""
    data = f"HWEVAL-RESULT {nonce} {json.dumps(fit_record(record))}\n".encode()
    while data:
        data = data[os.write(fd, data):]
