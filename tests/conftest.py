"""Shared test helpers: run the real CLI, make replay files, isolate caches."""
from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Validation results and other caches go to a per-session folder, not ~/.cache."""
    os.environ["HWEVAL_CACHE"] = str(tmp_path_factory.mktemp("hweval-cache"))
