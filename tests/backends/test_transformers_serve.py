"""``openai:MODEL`` against a real third-party OpenAI-compatible server: ``transformers serve``
serving the tiny model made on the spot (it ignores ``n``, so the per-sample fallback runs)."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.backends.backend_fixtures import completions

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(tiny_model: Path, tmp_path: Path) -> Iterator[str]:
    pytest.importorskip("fastapi")
    pytest.importorskip("uvicorn")
    exe = Path(sys.executable).parent / "transformers"
    if not exe.exists():
        pytest.skip("transformers serve is not installed (pip install 'transformers[serving]')")
    port = _free_port()
    log = (tmp_path / "serve.log").open("wb")
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    proc = subprocess.Popen([str(exe), "serve", str(tiny_model), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"transformers serve did not start: {(tmp_path / 'serve.log').read_text()[-2000:]}")
                time.sleep(0.5)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


def test_openai_backend_against_transformers_serve(served: str, tiny_model: Path, hweval, tmp_path: Path) -> None:
    common = ("--suite", "verilog-core", "--model", f"openai:{tiny_model}", "--base-url", served,
              "--limit", "2", "--max-tokens", "16")
    code, err = hweval("generate", *common, "--n-samples", "2", "--temperature", "0.8", "--out", str(tmp_path / "chat"))
    assert code == 0, err
    rows = completions(tmp_path / "chat")
    assert len(rows) == 4 and len({(r["problem_id"], r["sample_idx"]) for r in rows}) == 4
    assert all(r["usage"].get("completion_tokens", 0) > 0 for r in rows)
    code, err = hweval("generate", *common, "-B", "mode=completion", "--out", str(tmp_path / "plain"))
    assert code == 0, err
    assert len(completions(tmp_path / "plain")) == 2
