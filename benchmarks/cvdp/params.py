"""Inside the CVDP sandbox job: the parameter values (and defines) the harness builds the design with.

The interface probe (:mod:`benchmarks.cvdp.probe`) elaborated each answer module at its default
parameters only, so an answer whose ports are right at the defaults and hard-wired otherwise
(``input [7:0] a`` where the harness runs ``WIDTH=16``) kept the reference's interface as far as
the probe could see (red team 9c S17). A CVDP harness passes its values to ``cocotb_tools``'
``Runner.build`` (or ``Runner.test``), often from ``pytest.mark.parametrize`` or the environment, so
:func:`dry_run` runs each service's pytest command once with those two methods replaced by
recorders that build and simulate nothing (:class:`BuildLog`), seeded as the real run is; the probe
then elaborates reference and answer at each recorded set. :class:`BuildLog` also records the real
run's builds, so a set drawn differently the second time is probed after the run
(:func:`unprobed`).
"""
from __future__ import annotations

import contextlib
import json
import os
import random
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

#: ``-P<top>.<name>=<value>`` (Icarus) and ``-G<name>=<value>`` / ``-g<name>=<value>`` in ``build_args``
_ARG_PARAM = re.compile(r"-P([\w$]+)\.([A-Za-z_]\w*)=(.*)|-[gG]([A-Za-z_]\w*)=(.*)")
_PASSES_PARAMS = re.compile(r"\bparameters\s*=(?!\s*(?:None|\{\s*\})\s*[,)])|[\"']-[PgG][\w$.]*=")


def _entry(top: Any, parameters: Any, defines: Any, build_args: Any = ()) -> dict[str, Any]:
    params = {str(k): str(v) for k, v in dict(parameters or {}).items()}
    for arg in build_args or ():
        m = _ARG_PARAM.fullmatch(str(arg))
        if m and (m.group(1) is None or m.group(1) == str(top)):
            params[m.group(2) or m.group(4)] = m.group(3) if m.group(2) else m.group(5)
    return {"top": str(top or ""), "parameters": params,
            "defines": {str(k): str(v) for k, v in dict(defines or {}).items()}}


def key(build: dict[str, Any]) -> str:
    """One string per distinct (top, parameters, defines)."""
    return json.dumps([build["top"], sorted(build["parameters"].items()), sorted(build["defines"].items())])


class BuildLog:
    """Wrap ``Runner.build`` and ``Runner.test`` to record what each is given. ``call_through=False``
    (the dry run) builds and simulates nothing; the wrappers stay until :meth:`close`."""

    def __init__(self, call_through: bool) -> None:
        from cocotb_tools import runner as cocotb_runner

        self.entries: list[dict[str, Any]] = []
        self._cls = cocotb_runner.Runner
        self._build, self._test = self._cls.build, self._cls.test
        log = self

        def build(runner: Any, *args: Any, **kwargs: Any) -> Any:
            get = kwargs.get
            log.entries.append(_entry(get("hdl_toplevel"), get("parameters"), get("defines"), get("build_args")))
            return log._build(runner, *args, **kwargs) if call_through else None

        def test(runner: Any, *args: Any, **kwargs: Any) -> Any:
            if kwargs.get("parameters") is not None:  # simulators that elaborate at test time take these
                top = kwargs.get("hdl_toplevel", args[1] if len(args) > 1 else "")
                log.entries.append(_entry(top, kwargs["parameters"], getattr(runner, "defines", {})))
            if call_through:
                return log._test(runner, *args, **kwargs)
            return Path(os.devnull)

        self._cls.build = build  # type: ignore[method-assign, assignment]
        self._cls.test = test  # type: ignore[method-assign, assignment]

    def close(self) -> None:
        self._cls.build, self._cls.test = self._build, self._test  # type: ignore[method-assign, assignment]

    def sets(self) -> list[dict[str, Any]]:
        """The distinct recorded builds that set a parameter or a define (the defaults are probed anyway)."""
        out: dict[str, dict[str, Any]] = {}
        for entry in self.entries:
            if entry["parameters"] or entry["defines"]:
                out.setdefault(key(entry), entry)
        return list(out.values())


@contextlib.contextmanager
def service_context(service: dict[str, Any], root: Path, seed: int) -> Iterator[str]:
    """The process state a service's pytest runs in (environment, ``sys.path``, ``code/rundir``,
    ``random`` seeded), restored after; the harness's modules are forgotten so the next run imports
    its own copies. Yields the script's path."""
    from benchmarks.cvdp.job import map_paths

    env = {k: map_paths(str(v), root) for k, v in service["env"].items()}
    saved_env, saved_path = dict(os.environ), list(sys.path)
    os.environ.update(env)
    os.environ.setdefault("COCOTB_RANDOM_SEED", str(seed))  # reproducible unless the harness fixes one
    random.seed(seed)  # test_runner.py files draw plusargs and parameters from `random` too
    for entry in reversed(env.get("PYTHONPATH", "").split(":")):
        if entry:
            sys.path.insert(0, entry)
    rundir = root / "code" / "rundir"
    rundir.mkdir(parents=True, exist_ok=True)
    os.chdir(rundir)
    try:
        yield map_paths(service["script"], root)
    finally:
        os.chdir(root)
        os.environ.clear()
        os.environ.update(saved_env)
        sys.path[:] = saved_path
        for name, mod in list(sys.modules.items()):
            if str(getattr(mod, "__file__", "") or "").startswith(str(root)):
                del sys.modules[name]


def dry_run(services: list[dict[str, Any]], root: Path, seed: int) -> tuple[list[dict[str, Any]], list[str]]:
    """(the parameter sets the services build with, the services whose sets could not be found: no
    build was recorded although the harness's Python passes parameters). Output goes to the
    caller's drain; pytest's outcome is not read (nothing was simulated)."""
    import pytest

    log = BuildLog(call_through=False)
    unknown = []
    passes = any(_PASSES_PARAMS.search(p.read_text(errors="replace")) for p in (root / "src").rglob("*.py"))
    try:
        for service in services:
            before = len(log.entries)
            with service_context(service, root, seed) as script:
                pytest.main(["-q", "-p", "no:cacheprovider", f"--rootdir={root}", script])
            if len(log.entries) == before and passes:
                unknown.append(str(service["name"]))
    finally:
        log.close()
    return log.sets(), unknown


def unprobed(log: BuildLog, probed: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The real run's parameter sets that the dry run did not find (a harness that draws them anew)."""
    seen = {key(b) for b in probed}
    return [b for b in log.sets() if key(b) not in seen]
