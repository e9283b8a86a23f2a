"""Fixtures of the sandbox tests: the session's ``local`` sandbox (``docker_sandbox`` comes from
tests/conftest.py)."""
from __future__ import annotations

import pytest

from harness.sandbox.base import Sandbox


@pytest.fixture(scope="session")
def local_sandbox(bwrap_sandbox: Sandbox) -> Sandbox:
    return bwrap_sandbox
