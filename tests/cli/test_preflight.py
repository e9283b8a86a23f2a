"""The preflight names what a run needs and this machine lacks, exit 2, before any request."""
from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.preflight import gpu_missing
from tests.backends.backend_fixtures import FakeServer, echo_openai
from tests.helpers import hweval_in_process as hweval


@pytest.fixture
def server() -> Iterator[FakeServer]:
    srv = FakeServer(echo_openai()).start()
    yield srv
    srv.stop()


def run_against(server: FakeServer, tmp_path: Path, *extra: str, env: dict[str, str] | None = None):
    return hweval("run", "--model", "openai:m", "--base-url", server.url, "--out", str(tmp_path / "r"),
                  "--limit", "1", *extra, env={"HWEVAL_CACHE": str(tmp_path / "cache"), **(env or {})})


def assert_refused_before_any_request(proc, server: FakeServer, *needles: str) -> None:
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr and "this run cannot work here" in proc.stderr, proc.stderr
    for needle in needles:
        assert needle in proc.stderr, (needle, proc.stderr)
    assert server.seen == []


def test_missing_tools_are_all_named(server: FakeServer, tmp_path: Path) -> None:
    only_python = tmp_path / "bin"
    only_python.mkdir()
    os.symlink(sys.executable, only_python / "python")
    proc = run_against(server, tmp_path, "--suite", "verilog-core", "--sandbox", "none", "--allow-unsandboxed",
                       env={"PATH": str(only_python)})
    assert_refused_before_any_request(proc, server, "iverilog not found", "vvp not found", "yosys not found",
                                      "apt-get install iverilog")


def test_each_suite_asks_only_for_its_own_tools(server: FakeServer, tmp_path: Path) -> None:
    only = tmp_path / "bin"
    only.mkdir()
    for tool in ("iverilog", "vvp"):
        if shutil.which(tool):
            os.symlink(shutil.which(tool), only / tool)
    os.symlink(sys.executable, only / "python")
    proc = run_against(server, tmp_path, "--suite", "hls-bugs", "--sandbox", "none", "--allow-unsandboxed",
                       env={"PATH": str(only)})
    assert_refused_before_any_request(proc, server, "g++ not found")
    assert "yosys not found" not in proc.stderr and "iverilog not found" not in proc.stderr


def test_docker_sandbox_without_an_engine(server: FakeServer, tmp_path: Path) -> None:
    pytest.importorskip("docker")
    proc = run_against(server, tmp_path, "--suite", "verilog-core", "--sandbox", "docker",
                       env={"DOCKER_HOST": f"unix://{tmp_path}/no-engine.sock"})
    assert_refused_before_any_request(proc, server, "--sandbox docker does not work here")


@pytest.mark.skipif(gpu_missing() is None, reason="a GPU is visible here")
def test_cuda_without_a_gpu(server: FakeServer, tmp_path: Path) -> None:
    proc = run_against(server, tmp_path, "--suite", "kernels-core", "--lang", "cuda")
    assert_refused_before_any_request(proc, server, "a GPU is needed", "--lang cuda")


def test_a_host_dev_null_made_0755_is_named_before_any_work(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """``iverilog -o /dev/null`` run as root leaves the host's /dev/null 0755 (ivl makes its output
    executable); every local-sandbox job then failed opening it. A node of the same device at that
    mode is named, with the fix; the real /dev/null and a 0666 node pass."""
    import os
    import stat

    from harness.preflight import devnull_problem

    node = tmp_path / "null"
    os.mknod(node, stat.S_IFCHR | 0o755, os.makedev(1, 3))
    os.chmod(node, 0o755)
    why = devnull_problem(str(node))
    assert why is not None and "mode 755" in why and f"chmod 666 {node}" in why
    os.chmod(node, 0o666)
    assert devnull_problem(str(node)) is None
    assert devnull_problem() is None
    plain = tmp_path / "file"
    plain.write_text("")
    assert "not a world-writable device" in (devnull_problem(str(plain)) or "")
