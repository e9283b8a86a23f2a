"""Shared test fixtures: one cache folder per test session, the two sandboxes."""
from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from harness.sandbox.base import Sandbox
from tests import timing
from tests.helpers import sandbox_or_skip


@pytest.fixture(scope="session", autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Validation results and other caches go to one folder per test session, not ~/.cache.

    Under pytest-xdist the workers of a session share it (the folder above each worker's base
    temp dir is the session's), so a reference validated or a suite built by one worker is a
    cache hit for the other: every cache writes whole entries atomically (harness.cache), and a
    suite build takes a lock beside its cache entry (HLS ``build_items``). A test that
    asserts a cache miss uses its own folder (``tmp_path``), never this one.
    """
    if os.environ.get("PYTEST_XDIST_WORKER"):
        path = tmp_path_factory.getbasetemp().parent / "hweval-cache"
        path.mkdir(exist_ok=True)
    else:
        path = tmp_path_factory.mktemp("hweval-cache")
    os.environ["HWEVAL_CACHE"] = str(path)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests on tests/slow.txt (measured slow, see tests/timing.py) are marked ``slow``
    (HWEVAL_SLOW_LIST=off: not, to list the tests their own files mark)."""
    if os.environ.get("HWEVAL_SLOW_LIST") == "off":
        return
    listed = timing.load()
    for item in items:
        if timing.is_listed(item.nodeid, listed):
            item.add_marker(pytest.mark.slow)


_DURATIONS: dict[str, float] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    _DURATIONS[report.nodeid] = _DURATIONS.get(report.nodeid, 0.0) + report.duration


def pytest_terminal_summary(terminalreporter: object, exitstatus: int, config: pytest.Config) -> None:
    """In a run that leaves slow tests out (``make test-fast``), name the tests that took longer
    than tests/timing.WARN_S: they belong on tests/slow.txt or need a ``slow`` mark."""
    if "not slow" not in (config.getoption("markexpr", "") or ""):
        return
    over = sorted((d, n) for n, d in _DURATIONS.items() if d > timing.WARN_S)
    if over:
        write = terminalreporter.write_line  # type: ignore[attr-defined]
        write(f"{len(over)} tests of the fast layer took over {timing.WARN_S} s (add them to tests/slow.txt):")
        for d, n in reversed(over):
            write(f"  {d:6.1f}s {n}")


@pytest.fixture(scope="session")
def bwrap_sandbox() -> Iterator[Sandbox]:
    """The ``local`` (bubblewrap) sandbox, checked, shared by the session."""
    sb = sandbox_or_skip("local")
    yield sb
    sb.close()


@pytest.fixture(scope="session")
def docker_sandbox() -> Iterator[Sandbox]:
    """The ``docker`` sandbox, checked (skips without an engine unless HWEVAL_REQUIRE_DOCKER=1)."""
    sb = sandbox_or_skip("docker")
    yield sb
    sb.close()


# Under pytest-xdist (`make test` runs `-n 2 --dist loadgroup`) every test file is one work unit
# sent whole to one worker, so module-scoped fixtures (item builds, reference runs) are computed
# once, as in a serial run; a few units span files because their tests share state outside
# tmp_path: the plugin tests pip-install packages into the venv the other tests run from.
# The grouping is our own scheduler (below): xdist's xdist_group mark works by rewriting
# item._nodeid, which pytest 9 no longer reads, so with the mark alone every test was its own
# group and one file's tests (and its session builds) ran on both workers at once.
_SHARED_GROUPS = {"tests/plugins/": "plugins"}


def work_unit(nodeid: str) -> str:
    """The work unit of a test under xdist: its file, or the shared group its folder belongs to."""
    path = nodeid.split("::", 1)[0]
    return next((group for prefix, group in _SHARED_GROUPS.items() if path.startswith(prefix)), path)


# The work units handed out first, in this order: the two that build an HLS suite for the session
# (the others that need a suite then find it built instead of waiting on its lock), then the
# longest (seconds of setup, call and teardown in the idle fresh-clone CI run of 2026-12-07
# 11:00 UTC, 2,281 s over two workers). xdist's own order (most tests first, its
# --loadscope-reorder, on by default; it also undid an earlier long-files-first collection order)
# hands out last the few-test files that run a whole suite or build one, so one worker can end
# alone on them. Units not listed follow, most tests first. A stale path fails tests/scheduling.
LONGEST_FIRST: tuple[str, ...] = (
    "tests/hls_hard/test_hls_hard.py",  # 249 s: builds hls-hard (86 items)
    "tests/hls/test_build.py",  # 115 s: builds hls-bugs (52 items) and rebuilds its bug items
    "tests/kernels_hard/test_kernels_hard.py",  # 90 s
    "tests/verilog_hard/test_verilog_hard.py",  # 84 s (every verilog-hard reference)
    "plugins",  # 80 s (pip installs)
    "tests/security/test_kernel_cuda_rt6.py",  # 78 s (one nvcc build)
    "tests/verilog_core/test_fallback.py",  # 64 s (Verilator builds)
    "tests/security/test_hls_inputs.py",  # 58 s
    "tests/kernels/test_cli.py",  # 54 s
    "tests/verilog_core/test_baselines.py",  # 42 s (every verilog-core reference, synthesis on)
    "tests/security/test_hls_rt9.py",  # 40 s
    "tests/security/test_attacks_pipeline.py",  # 37 s
    "tests/sandbox/test_warm.py",  # 34 s
    "tests/hls/test_cli.py",  # 34 s
    "tests/security/test_verilog_rt8.py",  # 34 s
    "tests/security/test_verilog_rt7.py",  # 33 s
    "tests/cvdp/test_evaluate.py",  # 32 s
)


def unit_rank(units: dict[str, int]) -> list[str]:
    """Work units (name: number of tests) in the order they are handed out: :data:`LONGEST_FIRST`,
    then the rest by number of tests (stable: ties keep their collection order)."""
    first = {unit: i for i, unit in enumerate(LONGEST_FIRST)}
    return sorted(units, key=lambda u: (first.get(u, len(first)), -units[u]))


def unit_order(nodeids: list[str]) -> list[str]:
    """``nodeids`` in the order the scheduler hands them out (:func:`unit_rank`), each unit's
    tests together and in collection order."""
    units: dict[str, list[str]] = {}
    for nodeid in nodeids:
        units.setdefault(work_unit(nodeid), []).append(nodeid)
    return [nodeid for unit in unit_rank({u: len(ids) for u, ids in units.items()}) for nodeid in units[unit]]


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    from collections import OrderedDict

    from xdist.scheduler import LoadScopeScheduling

    class FileScheduling(LoadScopeScheduling):
        _ranked = False

        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

        def _assign_work_unit(self, node: object) -> None:
            # the first hand-out: the queue holds every unit, in xdist's order; only the queue is
            # reordered (a worker is sent indexes into its own collection, which must stay as collected)
            if not self._ranked:
                self._ranked = True
                queue = self.workqueue
                self.workqueue = OrderedDict((u, queue[u]) for u in unit_rank({u: len(t) for u, t in queue.items()}))
            super()._assign_work_unit(node)  # type: ignore[arg-type]

    return FileScheduling(config, log)  # type: ignore[arg-type]


# HWEVAL_TEST_PROFILE=FILE: one JSON line per test (wall seconds, CPU seconds of this process and of
# the children it waited for) appended to FILE.<worker>, to find tests that wait rather than work
# (the idle CI used about 40% of its two cores). Off unless set.
@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    target = os.environ.get("HWEVAL_TEST_PROFILE")
    if not target:
        yield
        return
    import json
    import resource
    import time

    def cpu(who: int) -> float:
        r = resource.getrusage(who)
        return r.ru_utime + r.ru_stime

    wall, own, kids = time.monotonic(), cpu(resource.RUSAGE_SELF), cpu(resource.RUSAGE_CHILDREN)
    yield
    row = {"test": item.nodeid, "wall": round(time.monotonic() - wall, 3),
           "cpu": round(cpu(resource.RUSAGE_SELF) - own, 3), "children": round(cpu(resource.RUSAGE_CHILDREN) - kids, 3)}
    with open(f"{target}.{os.environ.get('PYTEST_XDIST_WORKER', 'main')}", "a") as fh:
        fh.write(json.dumps(row) + "\n")
