"""Fixtures of the backend tests (helpers live in backend_fixtures.py)."""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from harness.cli import main
from tests.backends.backend_fixtures import Action, FakeServer, Seen, build_tiny_model


@pytest.fixture
def server_factory() -> Iterator[Callable[..., FakeServer]]:
    servers: list[FakeServer] = []

    def make(responder: Callable[[FakeServer, Seen], Action], script: list[Action] | None = None) -> FakeServer:
        srv = FakeServer(responder, list(script or [])).start()
        servers.append(srv)
        return srv

    yield make
    for srv in servers:
        srv.stop()


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A private generation cache; no real keys or HWEVAL_* settings leak into a test."""
    monkeypatch.setenv("HWEVAL_CACHE", str(tmp_path / "hweval-cache"))
    for name in list(os.environ):
        if name.startswith("HWEVAL_") and name != "HWEVAL_CACHE":
            monkeypatch.delenv(name)
    for name in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


@pytest.fixture
def hweval(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str]]:
    """Run the CLI in-process; returns (exit code, stderr)."""

    def run(*args: str) -> tuple[int, str]:
        code = main([*args, "--no-progress"])
        return code, capsys.readouterr().err

    return run


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("transformers")
    return build_tiny_model(tmp_path_factory.mktemp("tiny-lm"))
