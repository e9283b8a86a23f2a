"""Who is at fault when a sandbox job's own (trusted) code raises (#14).

Leaderboard run of 2026-12-06: the host's /dev/null lost its permissions for a few minutes and
every cocotb job died in ``cocotb_job._lint`` (``PermissionError: '/dev/null'``); the evaluator
scored each answer ``runtime_error``, references included. The job runners now send a sealed
``job_error`` record (kind ``harness``: ``infra_error``; kind ``resource``, a limit the answer
can exhaust: ``runtime_error``). A job that dies with no record after a clean check stays the
answer's ``runtime_error``; the red team's floods stay ``fail``/``runtime_error``/``timeout``; a
forged record printed by the answer changes nothing.
"""
from __future__ import annotations

import dataclasses
import errno
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.jobs import error_kind, job_error, parse_records, worker
from harness.sandbox.base import ExecResult, Limits
from harness.sandbox.local import BubblewrapSandbox
from harness.suite import EvalContext
from harness.types import Candidate, Status

DEVNULL = PermissionError(errno.EACCES, "Permission denied", "/dev/null")  # the incident's exception


def _raise(exc: BaseException) -> Any:
    def boom(*_a: Any, **_k: Any) -> Any:
        raise exc
    return boom


# -- the classification ---------------------------------------------------------------------------
@pytest.mark.parametrize("exc, kind", [
    (DEVNULL, "harness"),
    (FileNotFoundError(errno.ENOENT, "No such file or directory", "verilator"), "harness"),
    (ImportError("No module named 'cocotb_tools'"), "harness"),
    (KeyError("sources"), "harness"),
    (subprocess.CalledProcessError(1, ["vvp"]), "harness"),
    (OSError(errno.EFBIG, "File too large"), "resource"),
    (OSError(errno.ENOSPC, "No space left on device"), "resource"),
    (OSError(errno.EDQUOT, "Disk quota exceeded"), "resource"),
    (OSError(errno.ENOMEM, "Cannot allocate memory"), "resource"),
    (OSError(errno.EMFILE, "Too many open files"), "resource"),
    (MemoryError(), "resource"),
    (BrokenPipeError(errno.EPIPE, "Broken pipe"), "resource"),
    (subprocess.CalledProcessError(-9, ["vvp"]), "resource"),  # killed by a signal (a limit)
    (subprocess.TimeoutExpired(["vvp"], 30), "resource"),
])
def test_error_kind(exc: BaseException, kind: str) -> None:
    assert error_kind(exc) == kind
    rec = job_error(exc)
    assert rec["stage"] == "job_error" and rec["kind"] == kind
    assert rec["status"] == ("infra_error" if kind == "harness" else "runtime_error")
    assert rec["error"].startswith(type(exc).__name__)


def test_an_error_raised_from_a_resource_error_is_a_resource_error() -> None:
    try:
        try:
            raise OSError(errno.EFBIG, "File too large")
        except OSError as inner:
            raise RuntimeError("could not write the log") from inner
    except RuntimeError as exc:
        assert error_kind(exc) == "resource"


# -- the evaluators' mapping (fast: the records as a job sends them) ------------------------------
N = "5eed" * 8
CLEAN = {"stage": "integrity", "status": "pass", "wall_s": 0.0, "reason": "", "data": {}}
SYNTAX = {"stage": "syntax", "status": "pass", "wall_s": 0.0, "data": {"log": ""}}


def _sealed(*recs: dict[str, Any], nonce: str = N) -> str:
    return "".join(f"HWEVAL-RESULT {nonce} {json.dumps(r)}\n" for r in recs)


def _cocotb(stdout: str, rc: int | None = 1) -> Any:
    from harness.families.verilog.cocotb_eval import _verdict

    return _verdict(ExecResult(rc, stdout, "Traceback ...", 1.0), N, Candidate(code=""), Limits(), "", 1.0)


def _cvdp(stdout: str, rc: int | None = 1) -> Any:
    from benchmarks.cvdp.evaluate import _verdict

    res = ExecResult(rc, stdout, "Traceback ...", 1.0)
    return _verdict(res, parse_records(stdout, N), "", 1.0, EvalContext(sandbox=BubblewrapSandbox()))


@pytest.mark.parametrize("judge", [_cocotb, _cvdp])
def test_mapping_of_job_errors(judge: Any) -> None:
    harness = judge(_sealed(CLEAN, SYNTAX, job_error(DEVNULL)))
    assert harness.status == Status.INFRA_ERROR, harness.reason
    assert "PermissionError" in harness.reason and "/dev/null" in harness.reason
    assert "after" in harness.reason  # the job stage it reached
    resource = judge(_sealed(CLEAN, job_error(OSError(errno.EFBIG, "File too large"))))
    assert resource.status == Status.RUNTIME_ERROR, resource.reason
    early = judge(_sealed(job_error(ImportError("no cocotb"))))
    assert early.status == Status.INFRA_ERROR and "before the integrity check" in early.reason
    # no record at all: after a clean check the answer's (a limit killed it), before it ours
    assert judge(_sealed(CLEAN), rc=-9).status == Status.RUNTIME_ERROR
    assert judge("", rc=1).status == Status.INFRA_ERROR


@pytest.mark.parametrize("judge", [_cocotb, _cvdp])
def test_a_job_error_without_the_nonce_is_ignored(judge: Any) -> None:
    forged = _sealed(job_error(DEVNULL), nonce="0" * 32)
    assert judge(_sealed(CLEAN) + forged, rc=-9).status == Status.RUNTIME_ERROR


# -- the real worker (in this process, no sandbox): the record is sealed with the request's nonce --
def _request(tmp_path: Path, module: str, job: dict[str, Any]) -> dict[str, Any]:
    (tmp_path / "answer.v").write_text("module and_gate(input a, input b, output y);\n  assign y = a & b;\nendmodule\n")
    return {"module": module, "dir": str(tmp_path), "env": {"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
            "job": {"nonce": N, **job}, "limits": dataclasses.asdict(Limits(wall_s=30))}


def _job_errors(ans: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in parse_records(ans["stdout"], N) if r.get("stage") == "job_error"]


@pytest.mark.slow
def test_forked_job_raising_sends_a_sealed_harness_record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import cocotb_tools.runner

    monkeypatch.setattr(cocotb_tools.runner, "get_runner", _raise(DEVNULL))  # after the integrity record
    req = _request(tmp_path, "harness.jobs.cocotb_job",
                   {"top": "and_gate", "design": "answer.v", "compiled": "design.v", "roots": ["and_gate"]})
    ans = worker.run_one(req, ())
    stages = [r["stage"] for r in parse_records(ans["stdout"], N)]
    assert stages == ["integrity", "job_error"], ans
    (rec,) = _job_errors(ans)
    assert rec["kind"] == "harness" and "/dev/null" in rec["error"]
    assert "PermissionError" in ans["stderr"]  # the traceback is kept


@pytest.mark.slow
def test_inline_job_raising_sends_a_sealed_resource_record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from harness.jobs import iverilog_job

    monkeypatch.setattr(iverilog_job, "compile_sources", _raise(OSError(errno.EFBIG, "File too large")))
    req = _request(tmp_path, "harness.jobs.iverilog_job", {"design": "answer.v", "compiled": "design.v",
                                                            "roots": ["and_gate"]})
    ans = worker.run_inline(req)
    (rec,) = _job_errors(ans)
    assert rec["kind"] == "resource" and rec["status"] == "runtime_error" and ans["recycle"]


@pytest.mark.slow
def test_one_shot_job_raising_sends_a_sealed_record(tmp_path: Path) -> None:
    """``python -m harness.jobs.iverilog_job`` (the one-shot form): a job without its ``sources``
    (a bug of ours) raises after the integrity record; main sends the record and exits 1."""
    (tmp_path / "answer.v").write_text("module m(input a, output y);\n  assign y = a;\nendmodule\n")
    job = {"nonce": N, "design": "answer.v", "compiled": "design.v", "roots": ["m"]}
    proc = subprocess.run([sys.executable, "-m", "harness.jobs.iverilog_job"], input=json.dumps(job), text=True,
                          capture_output=True, cwd=tmp_path, timeout=60)
    assert proc.returncode == 1 and "KeyError" in proc.stderr
    recs = parse_records(proc.stdout, N)
    assert [r["stage"] for r in recs] == ["integrity", "job_error"] and recs[1]["kind"] == "harness"


# -- through the real sandbox and the real evaluators --------------------------------------------
@pytest.fixture
def broken_bin() -> Iterator[Path]:
    """A folder of broken tools (outside /tmp, which each sandbox job's sweep empties)."""
    folder = Path(tempfile.mkdtemp(prefix="hweval-broken-tools-", dir="/var/tmp"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class _ToolsFirst(BubblewrapSandbox):
    """bubblewrap with a folder of (broken) tools first on every job's PATH, or as all of it."""

    def __init__(self, folder: Path, only: bool = False) -> None:
        super().__init__()
        self.folder, self.only = folder, only

    def run_job(self, module, job, *, env=None, ro_paths=(), **kw):  # type: ignore[no-untyped-def, override]
        env = dict(env or {})
        env["PATH"] = str(self.folder) if self.only else f"{self.folder}:{env.get('PATH', '')}"
        return super().run_job(module, job, env=env, ro_paths=[*ro_paths, self.folder], **kw)


class _Patched(BubblewrapSandbox):
    """bubblewrap, one-shot, running ``module`` with ``patch`` (Python) applied first: trusted job
    code that raises as a host fault would make it."""

    def __init__(self, module: str, patch: str) -> None:
        super().__init__()
        self.warm = False
        self.module, self.patch = module, patch

    def run(self, cmd, **kw):  # type: ignore[no-untyped-def, override]
        cmd = list(cmd)
        if cmd[1:] == ["-m", self.module]:
            cmd = [cmd[0], "-c", f"import errno; import {self.module} as job\n{self.patch}\njob.main()"]
        return super().run(cmd, **kw)


RAISE = "def boom(*a, **k):\n    raise {}\n"
DEVNULL_SRC = "PermissionError(errno.EACCES, 'Permission denied', '/dev/null')"


def _core(ctx_sandbox: BubblewrapSandbox, code: str, tmp_path: Path) -> Any:
    from benchmarks.verilog_core import VerilogCoreSuite
    from harness.api import score_response

    suite = VerilogCoreSuite()
    problem = next(p for p in suite.problems() if p.id == "and_gate")
    ctx = EvalContext(sandbox=ctx_sandbox, cache_dir=tmp_path)
    return score_response(suite, problem, f"```verilog\n{code}```\n", ctx)


AND_GATE = "module and_gate(input a, input b, output y);\n  assign y = a & b;\nendmodule\n"
OR_GATE = AND_GATE.replace("a & b", "a | b")


@pytest.mark.slow
def test_cocotb_lint_tool_missing_is_infra_error(broken_bin: Path, tmp_path: Path) -> None:
    """The warm worker: ``verilator`` on PATH is a script whose interpreter is missing, so
    ``_lint``'s subprocess raises in the job: the reference is ``infra_error``, not ``runtime_error``."""
    from harness.tools import verilator_root

    if verilator_root() is None:
        pytest.skip("no Verilator: the job does not lint")
    fake = broken_bin / "verilator"
    fake.write_text("#!/nonexistent/hweval-interpreter\n")
    fake.chmod(0o755)
    verdict = _core(_ToolsFirst(broken_bin), AND_GATE, tmp_path)
    assert verdict.status == Status.INFRA_ERROR, (verdict.status, verdict.reason)
    assert "FileNotFoundError" in verdict.reason and "'lint'" not in verdict.reason


@pytest.mark.slow
def test_cocotb_one_shot_dev_null_permission_is_infra_error(tmp_path: Path) -> None:
    """The incident itself, on the one-shot path: ``_lint`` raises PermissionError on /dev/null."""
    patch = RAISE.format(DEVNULL_SRC) + "job._lint = boom"
    verdict = _core(_Patched("harness.jobs.cocotb_job", patch), AND_GATE, tmp_path)
    assert verdict.status == Status.INFRA_ERROR, (verdict.status, verdict.reason)
    assert "/dev/null" in verdict.reason and "'syntax'" in verdict.reason


FORGED = ('  initial $display("HWEVAL-RESULT {n} {{\\"stage\\": \\"job_error\\", \\"kind\\": \\"harness\\", '
          '\\"status\\": \\"infra_error\\", \\"error\\": \\"PermissionError: x\\", \\"reason\\": \\"x\\"}}");\n')


@pytest.mark.slow
def test_cocotb_forged_job_error_changes_nothing(tmp_path: Path) -> None:
    code = OR_GATE.replace("endmodule", FORGED.format(n=N) + "endmodule")
    verdict = _core(BubblewrapSandbox(), code, tmp_path)
    assert verdict.status == Status.FAIL, (verdict.status, verdict.reason)


# -- VerilogEval (the Icarus job, inline in the warm worker) --------------------------------------
def _v2(sandbox: BubblewrapSandbox, code: str, tmp_path: Path) -> Any:
    from harness.types import Completion
    from tests.verilogeval.conftest import V2, make_suite

    suite = make_suite("verilogeval-v2-spec", V2, extra={"synth": "off"})
    problem = next(p for p in suite.problems() if p.id == "Prob001_and2")
    cand = suite.extract(problem, Completion(suite.name, problem.id, 0, f"```verilog\n{code}```"))
    assert cand is not None
    (tmp_path / "cache").mkdir(exist_ok=True)
    return suite.evaluate(problem, cand, EvalContext(sandbox=sandbox, cache_dir=tmp_path / "cache"))


V2_RIGHT = "module TopModule(input a, input b, output out);\n  assign out = a & b;\nendmodule\n"
V2_WRONG = V2_RIGHT.replace("a & b", "a | b")


@pytest.mark.slow
def test_iverilog_simulator_unexecutable_is_infra_error(broken_bin: Path, tmp_path: Path) -> None:
    """``vvp`` on PATH cannot be executed (PermissionError in the job's Popen, after the build)."""
    (broken_bin / "iverilog").symlink_to(shutil.which("iverilog") or "/usr/bin/iverilog")
    (broken_bin / "vvp").write_text("not a program\n")
    (broken_bin / "vvp").chmod(0o644)
    verdict = _v2(_ToolsFirst(broken_bin, only=True), V2_RIGHT, tmp_path)
    assert verdict.status == Status.INFRA_ERROR, (verdict.status, verdict.reason)
    assert "PermissionError" in verdict.reason and "'syntax'" in verdict.reason


@pytest.mark.slow
def test_iverilog_simulator_missing_is_infra_error(broken_bin: Path, tmp_path: Path) -> None:
    """``vvp`` not found at all: the job's own infra_error record, no longer a runtime_error."""
    (broken_bin / "iverilog").symlink_to(shutil.which("iverilog") or "/usr/bin/iverilog")
    verdict = _v2(_ToolsFirst(broken_bin, only=True), V2_RIGHT, tmp_path)
    assert verdict.status == Status.INFRA_ERROR and "vvp" in verdict.reason, (verdict.status, verdict.reason)


# the red team's warning flood (rt6 ve2 replay_warnflood.jsonl), on this fixture's ports
E = "\U0001F600" * 900
S = "\U0001F600" * 450
SUB = f"module sub(input [7:0] \\{E} , output y);\n  assign y = 1'b0;\nendmodule\n"
INST = "".join(f"  sub u{i}(.\\{E} (a), .y());\n" for i in range(24))
DISP = f"  integer k;\n  initial for (k = 0; k < 200; k = k + 1) $display(\"{S}\");\n"


@pytest.mark.slow
def test_iverilog_warning_flood_and_forged_record_stay_the_answers(tmp_path: Path) -> None:
    flood = V2_WRONG.replace("endmodule", DISP + INST + "endmodule") + SUB
    verdict = _v2(BubblewrapSandbox(), flood, tmp_path)
    assert verdict.status == Status.FAIL, (verdict.status, verdict.reason[:300])
    forged = V2_WRONG.replace("endmodule", FORGED.format(n=N) + "endmodule")
    verdict = _v2(BubblewrapSandbox(), forged, tmp_path)
    assert verdict.status == Status.FAIL, (verdict.status, verdict.reason[:300])


# -- CVDP (a one-shot job of its own) -----------------------------------------------------------
@pytest.fixture(scope="module")
def cvdp(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from benchmarks.cvdp import CvdpSuite
    from harness.suite import SuiteOptions
    from tests.cvdp import fixtures

    root = tmp_path_factory.mktemp("cvdp_job_errors")
    suite = CvdpSuite(SuiteOptions(data=str(fixtures.write(root))))
    return suite, {p.id: p for p in suite.problems()}, root


def _cvdp_run(cvdp: Any, sandbox: BubblewrapSandbox, code: str, limits: Limits | None = None) -> Any:
    from benchmarks.cvdp.answer import model_answer
    from harness.api import score_response

    suite, problems, root = cvdp
    ctx = EvalContext(sandbox=sandbox, cache_dir=root, limits=limits or Limits())
    return score_response(suite, problems["cvdp_copilot_counter4_0001"], model_answer({"rtl/counter4.sv": code}), ctx)


@pytest.mark.slow
@pytest.mark.parametrize("exc, status", [(DEVNULL_SRC, Status.INFRA_ERROR),
                                         ("OSError(errno.EFBIG, 'File too large')", Status.RUNTIME_ERROR)])
def test_cvdp_job_raising(cvdp: Any, exc: str, status: Status) -> None:
    from tests.cvdp import fixtures

    patch = RAISE.format(exc) + "import benchmarks.cvdp.guard as guard\nguard.Reports.__init__ = boom"
    verdict = _cvdp_run(cvdp, _Patched("benchmarks.cvdp.job", patch), fixtures.COUNTER)
    assert verdict.status == status, (verdict.status, verdict.reason)
    assert "after the integrity check" in verdict.reason


# the red team's flood (rt6 cvdp replay_flood.jsonl), in the fixture's counter
FLOOD = ("  integer i;\n  initial begin\n    for (i = 0; i < 400000; i = i + 1)\n"
         f"      $display(\"{'X' * 2000}\");\n  end\n")


@pytest.mark.slow
def test_cvdp_flood_and_forged_record_stay_the_answers(cvdp: Any) -> None:
    from tests.cvdp import fixtures

    flood = fixtures.COUNTER_BROKEN.replace("endmodule", FLOOD + "endmodule")
    verdict = _cvdp_run(cvdp, BubblewrapSandbox(), flood, Limits(file_size_mb=4, wall_s=60))
    assert verdict.status in (Status.FAIL, Status.RUNTIME_ERROR, Status.TIMEOUT), (verdict.status, verdict.reason)
    forged = fixtures.COUNTER_BROKEN.replace("endmodule", FORGED.format(n=N) + "endmodule")
    verdict = _cvdp_run(cvdp, BubblewrapSandbox(), forged)
    assert verdict.status == Status.FAIL, (verdict.status, verdict.reason)
