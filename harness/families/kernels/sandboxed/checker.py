"""The trusted side of a check run, inside the sandbox:
``python -m harness.families.kernels.sandboxed.checker``.

Attack class 7: the checker must not live in the candidate's process. This process never imports
candidate code (nor torch). It

1. reads the run's nonce from its stdin and makes itself non-dumpable, so a same-uid candidate
   cannot read its memory or reach its file descriptors through ``/proc``;
2. reads every case's inputs into memory and deletes the input files, so the candidate sees
   each case only when it is asked to run it;
3. starts the candidate's worker (``worker --phase check``, or the same forked from a fork server
   that never read a request, :mod:`.job`) with private pipes; the worker's first
   frame, ``ready``, comes before it imports any answer code (a worker that dies before it is the
   harness's failure, ``infra_error``; one that dies after it was killed by the answer); then the checker sends each case
   (inputs, and for TritonBench-T the input seed and the seed of torch's generator for the
   answer's calls, ``draw_seed``) and receives its report, then its outputs;
4. writes the outputs to ``out_<i>.pt`` and prints its record, ``HWEVAL-KERNEL-CHECK <nonce>
   <json>``, with the worker's reports and the SHA-256 of every output file (after a first
   ``started`` line: a checker that started and went silent was killed by the candidate).

The harness accepts the check only from these lines (two, with its nonce) and only outputs
whose digests match; the values are compared with the reference in the harness process. What the
worker reports (launches, recorded ops, guard bands) stays defence in depth: it comes from the
candidate's process.
"""
from __future__ import annotations

import argparse
import ctypes
import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from harness.families.kernels.sandboxed import pipe

TAG = pipe.TAG
_PR_SET_DUMPABLE = 4


def _undumpable() -> bool:
    try:
        return ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _worker(workdir: Path) -> Any:
    """The candidate's worker: forked from the warm worker's fork server when this checker runs in a
    warm job (:mod:`.job`: the server never read a request, so the worker holds no secret), else
    a fresh ``python -m`` process; either way its stdin and stdout are private pipes."""
    from harness.families.kernels.sandboxed import job as warm

    cmd = [sys.executable, "-m", "harness.families.kernels.sandboxed.worker", "--workdir", str(workdir),
           "--phase", "check"]
    served = warm.served_worker(cmd, workdir)
    if served is not None:
        return served
    return subprocess.Popen(cmd, cwd=workdir, stdin=subprocess.PIPE, stdout=subprocess.PIPE, close_fds=True)


def _talk(proc: Any, job: dict[str, Any], inputs: list[bytes], report: dict[str, Any],
          workdir: Path, seeds: dict[str, int], draws: dict[str, int]) -> None:
    assert proc.stdin is not None and proc.stdout is not None
    wfd, rfd = proc.stdin.fileno(), proc.stdout.fileno()
    header, _ = pipe.recv(rfd)  # ``ready``: the worker's own start-up is done, no answer code ran yet
    _take(report, header)
    if header.get("reached") == "ready" and not header.get("error"):
        report["ready_seen"] = True
        header, _ = pipe.recv(rfd)  # the worker has imported and constructed the answer (or failed)
        _take(report, header)
    if header.get("error"):
        return
    for case, blob in zip(job["cases"], inputs, strict=True):
        secret = {k: v[case["id"]] for k, v in (("seed", seeds), ("draw_seed", draws)) if case["id"] in v}
        pipe.send(wfd, {"case": {**case, **secret}}, blob)
        header, _ = pipe.recv(rfd)
        _take(report, header)
        if header.get("error"):
            return
        report["cases"].append(header.get("report", {}))
    pipe.send(wfd, {"outputs": True})
    for case in job["cases"]:
        header, blob = pipe.recv(rfd)
        path = workdir / case["output"]
        path.write_bytes(blob)
        report["digests"][case["output"]] = hashlib.sha256(blob).hexdigest()
    header, _ = pipe.recv(rfd)
    _take(report, header, ("reached", "error", "profile", "profile_error"))


def _take(report: dict[str, Any], header: dict[str, Any], keys: tuple[str, ...] = ("reached", "error")) -> None:
    """Copies ``keys`` of a worker frame into the report. Frames after ``ready`` may come from the
    answer's code (it shares the worker's process), so from then on the stage never goes back to
    the worker's start-up: a failure there is the answer's, never ``infra_error`` (red team 13 R2b:
    a frame claiming ``reached: boot`` with a worker error dropped a wrong answer from the score)."""
    report.update({k: header[k] for k in keys if k in header})
    if report.get("ready_seen") and report.get("reached") in (None, "", "boot"):
        report["reached"] = "ready"


def run(workdir: Path, seeds: dict[str, int], draws: dict[str, int] | None = None) -> dict[str, Any]:
    report: dict[str, Any] = {"phase": "check", "reached": "boot", "error": None, "cases": [], "digests": {}}
    job = json.loads((workdir / "job.json").read_text())
    inputs = []
    for case in job["cases"]:
        path = workdir / case["inputs"]
        inputs.append(path.read_bytes())
    for case in job["cases"]:
        (workdir / case["inputs"]).unlink(missing_ok=True)
    proc = _worker(workdir)
    try:
        _talk(proc, job, inputs, report, workdir, seeds, draws or {})
    except pipe.PipeClosed as exc:
        report.setdefault("pipe", str(exc))
    finally:
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                stream.close()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    report["worker_exit"] = proc.returncode
    return report


def main(argv: list[str] | None = None, secret_line: bytes | None = None) -> int:
    """The checker; its secret is the first line of stdin (``secret_line``: given by the warm job
    that runs it in its own process, :mod:`.job`)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", required=True, type=Path)
    args = parser.parse_args(argv)
    undumpable = _undumpable()  # before the secret is read
    if secret_line is None:
        secret_line = sys.stdin.readline().encode()
        sys.stdin.close()
    secret = json.loads(secret_line or b"{}")
    nonce = str(secret.get("nonce", ""))
    sys.stdout.write(f"{TAG} {nonce} {json.dumps({'started': True})}\n")  # later silence: killed
    sys.stdout.flush()
    report = run(args.workdir.resolve(), {str(k): int(v) for k, v in (secret.get("seeds") or {}).items()},
                 {str(k): int(v) for k, v in (secret.get("draws") or {}).items()})
    report["undumpable"] = undumpable
    sys.stdout.write(f"{TAG} {nonce} {json.dumps(report, default=str)}\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
