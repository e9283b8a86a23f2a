"""Shared test helpers: run the real CLI, make replay files, isolate caches."""
from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Validation results and other caches go to a per-session folder, not ~/.cache."""
    os.environ["HWEVAL_CACHE"] = str(tmp_path_factory.mktemp("hweval-cache"))


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
