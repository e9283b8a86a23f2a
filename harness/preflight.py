"""Checks made before any work: settings the suites do not know, and what evaluation needs here.

A run that cannot work on this machine (a simulator, compiler or sandbox engine missing, CUDA
without a GPU) stops here with every missing piece named, exit 2, before a single request is
sent; it used to go through everything and end with infrastructure errors. Suites declare what
they need (:meth:`harness.suite.Suite.requirements`, ``options_schema``, ``takes_data``); this
module only checks the declarations.
"""
from __future__ import annotations

import logging
import os
import shutil
import stat
from collections.abc import Mapping, Sequence

from harness.config import OPTION_ALIASES
from harness.errors import ToolMissingError, UsageError
from harness.sandbox.base import Sandbox
from harness.suite import Suite

log = logging.getLogger(__name__)


def check_suite_settings(suites: Mapping[str, type[Suite]], options: Mapping[str, str], data: str | None) -> None:
    """Refuse ``-S`` keys no selected suite reads, and ``--data`` when no selected suite takes one."""
    known: set[str] = set()
    for cls in suites.values():
        known |= set(cls.options_schema)
    unknown = sorted(set(options) - known - set(OPTION_ALIASES))  # a flag alias no selected suite reads: ignored
    if unknown:
        listing = ", ".join(sorted(known)) or "none"
        raise UsageError(f"-S {', '.join(unknown)}: not an option of {', '.join(suites)} (known: {listing})")
    if data and all(cls.takes_data == "none" for cls in suites.values()):
        raise UsageError(f"--data: {', '.join(suites)} take(s) no dataset (the problems are built in)")
    for name, cls in suites.items():
        if cls.takes_data == "required" and not data and not options.get("data"):
            raise UsageError(f"suite {name} needs --data (a checkout or file of the benchmark; "
                             f"`hweval list suites` says which suites need it)")


def tool_missing(tool: str) -> str | None:
    """Why ``tool`` cannot be used here (with how to install it), or None when it can."""
    from harness.tools import INSTALL_HINTS, verilator_root

    if tool == "verilator":
        return None if verilator_root() is not None else f"verilator not found: {INSTALL_HINTS['verilator']}"
    if shutil.which(tool) is None:
        return f"{tool} not found on PATH: {INSTALL_HINTS.get(tool, 'install it')}"
    return None


def gpu_missing() -> str | None:
    """Why no CUDA device can be used here, or None when one can."""
    try:
        import torch
    except ImportError:
        return "torch is not installed (pip install 'hweval[kernels]')"
    if not torch.cuda.is_available():
        return "no CUDA device is visible (or torch is a CPU build)"
    return None


def devnull_problem(path: str = os.devnull) -> str | None:
    """Why ``path`` (the host's ``/dev/null``, which the local sandbox binds into every job) cannot serve
    the jobs, or None. A root process that wrote a program there (``iverilog -o /dev/null``) made it 0755,
    and every sandboxed job then failed opening it (infra_error on every sample)."""
    try:
        st = os.stat(path)
    except OSError as exc:
        return f"{path}: {exc.strerror}"
    if not stat.S_ISCHR(st.st_mode) or stat.S_IMODE(st.st_mode) & 0o666 != 0o666:
        return (f"{path} is not a world-writable device (mode {stat.S_IMODE(st.st_mode):o}; a program written "
                f"there as root, e.g. iverilog -o {path}, changes it): restore it with chmod 666 {path}")
    return None


def missing_for(suites: Sequence[Suite], sandbox: Sandbox | None) -> list[str]:
    """Every requirement of ``suites`` (and the sandbox) this machine does not meet."""
    problems: list[str] = []
    tools: dict[str, None] = {}
    gpu_reasons: list[str] = []
    for suite in suites:
        req = suite.requirements()
        tools.update(dict.fromkeys(req.tools))
        if req.gpu:
            gpu_reasons.append(f"{suite.name}: {req.gpu}")
    for tool in tools:
        why = tool_missing(tool)
        if why:
            problems.append(why)
    if gpu_reasons:
        why = gpu_missing()
        if why:
            problems.append(f"a GPU is needed ({'; '.join(gpu_reasons)}) but {why}")
    if sandbox is not None and sandbox.name == "local" and (why := devnull_problem()):
        problems.append(why)
    if sandbox is not None and sandbox.name != "none":
        ok, detail = sandbox.check()
        if not ok:
            problems.append(f"--sandbox {sandbox.name} does not work here: {detail.strip()[:400]}")
    return problems


def preflight(suites: Sequence[Suite], sandbox: Sandbox | None) -> None:
    """ToolMissingError (exit 2) naming everything missing, before anything is generated."""
    problems = missing_for(suites, sandbox)
    if problems:
        raise ToolMissingError("this run cannot work here: " + "; ".join(problems))
    log.debug("preflight: ok")
