"""Fixtures of the sandbox tests: one ``local`` and one ``docker`` sandbox per session."""
from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from harness.sandbox.base import Sandbox


@pytest.fixture(scope="session")
def local_sandbox() -> Iterator[Sandbox]:
    from harness.sandbox.local import BubblewrapSandbox

    sb = BubblewrapSandbox()
    ok, why = sb.check()
    assert ok, why
    yield sb
    sb.close()


@pytest.fixture(scope="session")
def docker_sandbox() -> Iterator[Sandbox]:
    from harness.sandbox.docker import DockerSandbox

    sb = DockerSandbox()
    ok, why = sb.check()
    if not ok:
        if os.environ.get("HWEVAL_REQUIRE_DOCKER") != "1":
            pytest.skip(f"docker sandbox unavailable: {why}")
        pytest.fail(why)
    yield sb
    sb.close()
