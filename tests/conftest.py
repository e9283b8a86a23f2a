"""Shared test fixtures: one cache folder per test session, the two sandboxes."""
from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from harness.sandbox.base import Sandbox
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


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    from xdist.scheduler import LoadScopeScheduling

    class FileScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

    return FileScheduling(config, log)  # type: ignore[arg-type]

