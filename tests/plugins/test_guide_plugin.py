"""The plugin of docs/plugins.md, built from the guide's own code blocks, pip-installed into the
environment and run through the real CLI; next to it, a plugin whose import fails.

Both packages are installed once for the module and uninstalled in a finalizer, so the
environment is left as it was found.
"""
from __future__ import annotations

import importlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from harness.api import load_suite

from .helpers import (
    check,
    cli,
    guide_files,
    install,
    listed,
    pass_at_1,
    suite_results,
    uninstall,
    write_files,
)

GUIDE_DIST = "hweval-gates"
BROKEN_DIST = "hweval-broken-plugin"

BROKEN_FILES = {
    "pyproject.toml": f"""[build-system]
requires = ["setuptools>=64"]
build-backend = "setuptools.build_meta"

[project]
name = "{BROKEN_DIST}"
version = "0.1.0"

[project.entry-points."hweval.suites"]
broken-suite = "hweval_broken:BrokenSuite"
oldapi-suite = "hweval_broken_oldapi:OldSuite"

[project.entry-points."hweval.backends"]
broken-backend = "hweval_broken:BrokenBackend"

[tool.setuptools]
packages = ["hweval_broken", "hweval_broken_oldapi"]
""",
    "hweval_broken/__init__.py": 'raise RuntimeError("hweval_broken cannot start: its data folder is missing")\n',
    "hweval_broken_oldapi/__init__.py": (
        "from harness.api import Suite, require_api\n\n"
        'require_api(99, plugin="oldapi-suite")\n\n\n'
        "class OldSuite(Suite):\n    pass\n"),
}


@pytest.fixture(scope="module")
def plugins(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    root = tmp_path_factory.mktemp("plugins")
    guide = write_files(root / "guide", guide_files())
    broken = write_files(root / "broken", BROKEN_FILES)
    uninstall(GUIDE_DIST, BROKEN_DIST)  # leftovers of an interrupted session
    try:
        install(guide, broken)
        importlib.invalidate_caches()
        yield
    finally:
        uninstall(GUIDE_DIST, BROKEN_DIST)


@pytest.fixture(scope="module")
def reference_run(plugins: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Both guide suites with the golden answers, while the broken plugin is installed too."""
    out = tmp_path_factory.mktemp("runs") / "reference"
    check(cli("run", "--suite", "gates,gates-synth", "--model", "reference", "--out", str(out),
              "-S", "validate=off"))
    return out


def test_guide_has_the_files_of_a_package() -> None:
    files = guide_files()
    assert {"pyproject.toml", "hweval_gates/__init__.py", "hweval_gates/backend.py"} <= set(files)
    suite_block = files["hweval_gates/__init__.py"]
    assert len(suite_block.splitlines()) <= 60, "the example suite must fit on one screen"


@pytest.mark.slow  # the plugins fixture pip-installs two packages
def test_list_shows_the_plugins(plugins: None) -> None:
    suites = listed("suites")
    assert suites["gates"]["distribution"] == GUIDE_DIST
    assert suites["gates"]["target"] == "hweval_gates:GatesSuite"
    assert {"gates-synth", "broken-suite", "oldapi-suite", "verilog-core"} <= set(suites)
    backends = listed("backends")
    assert backends["inhouse"]["distribution"] == GUIDE_DIST
    assert {"broken-backend", "reference"} <= set(backends)


@pytest.mark.slow
def test_run_scores_the_plugin_suites(reference_run: Path) -> None:
    suites = suite_results(reference_run)
    for name, n in (("gates", 3), ("gates-synth", 3)):
        assert suites[name]["n_problems"] == n
        assert suites[name]["status_counts"] == {"pass": n}
        assert pass_at_1(reference_run, name) == 1.0
    execs = [json.loads(line) for line in (reference_run / "executions.jsonl").read_text().splitlines()]
    cells = {r["problem_id"]: r["metrics"]["cells"] for r in execs if r["suite"] == "gates-synth"}
    assert set(cells) == {"and2", "xor2", "nor2"} and all(isinstance(c, int) and c >= 1 for c in cells.values())


class _ModelServer:
    """The in-house API of the guide's backend, answering every prompt with the golden module."""

    def __init__(self) -> None:
        suite = load_suite("gates")
        answers = {p.id: suite.reference_response(p) for p in suite.problems()}
        self.requests: list[dict] = []
        requests = self.requests

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                requests.append({"path": self.path, "auth": self.headers.get("Authorization"), **body})
                prompt = body["messages"][-1]["content"]
                gate = next(g for g in answers if f"`{g}(" in prompt)
                data = json.dumps({"texts": [answers[gate]] * body["n"]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.mark.slow
def test_plugin_backend_generates(plugins: None, tmp_path: Path) -> None:
    importlib.invalidate_caches()
    server = _ModelServer()
    try:
        out = tmp_path / "inhouse"
        proc = cli("run", "--suite", "gates", "--model", "inhouse:gate-writer-7b", "--base-url", server.url,
                   "--api-key-env", "GATES_TEST_KEY", "--n-samples", "2", "--out", str(out), "-S", "validate=off")
        check(proc)
    finally:
        server.close()
    assert pass_at_1(out, "gates") == 1.0
    assert suite_results(out)["gates"]["n_samples"] == 2
    assert len(server.requests) == 3
    assert all(r["path"] == "/generate" and r["model"] == "gate-writer-7b" and r["n"] == 2 for r in server.requests)
    config = json.loads((out / "config.json").read_text())
    assert config["backend"]["backend"] == "inhouse"


@pytest.mark.slow  # the plugins fixture pip-installs two packages
def test_backend_without_base_url_is_a_usage_error(plugins: None, tmp_path: Path) -> None:
    proc = cli("run", "--suite", "gates", "--model", "inhouse:x", "--out", str(tmp_path / "r"),
               "-S", "validate=off", "--problems", "and2")
    assert proc.returncode == 2, proc.stderr
    assert "needs --base-url" in proc.stderr
    assert not (tmp_path / "r").exists()


@pytest.mark.slow  # the plugins fixture pip-installs two packages
def test_broken_plugin_breaks_only_its_runs(plugins: None, tmp_path: Path) -> None:
    proc = cli("run", "--suite", "broken-suite", "--model", "reference", "--out", str(tmp_path / "b"))
    assert proc.returncode == 2, proc.stderr
    assert "suite plugin 'broken-suite' (hweval_broken:BrokenSuite) failed to import" in proc.stderr
    assert "RuntimeError: hweval_broken cannot start: its data folder is missing" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "b").exists()

    proc = cli("run", "--suite", "gates", "--model", "broken-backend", "--out", str(tmp_path / "bb"))
    assert proc.returncode == 2, proc.stderr
    assert "backend plugin 'broken-backend'" in proc.stderr and "RuntimeError" in proc.stderr


@pytest.mark.slow  # the plugins fixture pip-installs two packages
def test_api_version_mismatch_is_reported(plugins: None, tmp_path: Path) -> None:
    proc = cli("run", "--suite", "oldapi-suite", "--model", "reference", "--out", str(tmp_path / "o"))
    assert proc.returncode == 2, proc.stderr
    assert "suite plugin 'oldapi-suite'" in proc.stderr
    assert "ImportError: plugin 'oldapi-suite' needs hweval plugin API 99" in proc.stderr


@pytest.mark.slow
def test_other_suites_run_beside_a_broken_plugin(plugins: None, reference_run: Path, tmp_path: Path) -> None:
    # the plugin runs above happened with the broken plugin installed; so does a built-in suite
    assert pass_at_1(reference_run, "gates") == 1.0
    out = tmp_path / "core"
    check(cli("run", "--suite", "verilog-core", "--problems", "and_gate", "--model", "reference",
              "--out", str(out), "-S", "validate=off", "-S", "synth=off"))
    assert pass_at_1(out, "verilog-core") == 1.0
