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
    cache hit for the other: every cache writes whole entries atomically (harness.cache), and the
    fixtures that build a whole suite take a lock (:func:`tests.helpers.cache_lock`). A test that
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


# Under pytest-xdist (`make test` runs `-n 2 --dist loadgroup`) every test file is one group, so
# module-scoped fixtures (item builds, reference runs) are computed once, as in a serial run; a few
# groups span files because their tests share state outside tmp_path: the plugin tests pip-install
# packages into the venv the other tests run from.
_SHARED_GROUPS = {"tests/plugins/": "plugins"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not hasattr(config, "workerinput") and not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        if item.get_closest_marker("xdist_group"):
            continue
        path = item.nodeid.split("::", 1)[0]
        group = next((g for prefix, g in _SHARED_GROUPS.items() if path.startswith(prefix)), path)
        item.add_marker(pytest.mark.xdist_group(group))
