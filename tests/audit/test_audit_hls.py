"""The audit on the HLS family: the kernel's own testbench under C-simulation (g++, real)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from harness.audit.engine import AuditSettings, audit_problems
from harness.sandbox.base import Sandbox
from harness.suite import EvalContext, SuiteOptions
from tests.hls.pch import session_hls_cache, warm_cache

pytestmark = pytest.mark.slow

KERNEL = Path(__file__).parent / "fixtures" / "hls_kernels" / "vec_sat_add"


def _suite():  # type: ignore[no-untyped-def]
    hls_bugs = pytest.importorskip("benchmarks.hls_bugs")
    from harness.families.hls.items import HlsItem

    src = (KERNEL / "kernel.cpp").read_text()
    control = HlsItem(id="vec_sat_add/control", kernel="vec_sat_add", code=src, original=src,
                      header=(KERNEL / "kernel.h").read_text(), kernel_dir=KERNEL)
    buggy = HlsItem(id="vec_sat_add/OP_1", kernel="vec_sat_add", code=src.replace(" > ", " < "), original=src,
                    types=["OP"], spans=[(7, 7)], kernel_dir=KERNEL)

    class FixtureHlsSuite(hls_bugs.HlsBugsSuite):
        name = "audit-hls-fixture"

        def load_items(self) -> list[HlsItem]:
            return [buggy, control]

    return FixtureHlsSuite(SuiteOptions())


@pytest.mark.skipif(shutil.which("g++") is None, reason="g++ is not installed")
def test_hls_controls_are_audited_with_their_testbench(bwrap_sandbox: Sandbox, tmp_path: Path) -> None:
    suite = _suite()
    from harness.families.hls.csim import ap_include_dir

    try:
        ap_include_dir()
    except FileNotFoundError as exc:
        pytest.skip(str(exc))
    # a fresh cache with the session's precompiled headers and trusted parts (every mutant still compiles and runs)
    warm_cache(session_hls_cache(), tmp_path / "cache" / "hls", trusted_parts=True)
    ctx = EvalContext(sandbox=bwrap_sandbox, cache_dir=tmp_path / "cache", scratch_root=tmp_path)
    (audit,) = audit_problems(suite, list(suite.problems()), ctx, AuditSettings(max_mutants=4, workers=2))
    assert audit.problem.id == "vec_sat_add/control"  # the buggy item is not audited
    assert audit.reference_status == "pass", audit.reference_reason
    assert audit.n_generated >= 15 and len(audit.results) == 4
    assert {r.spec.kind for r in audit.results} <= {"OOB", "INIT", "USE", "MLU", "OP", "CONST"}
    assert audit.counts["infra_error"] == 0
    assert audit.counts["killed"] >= 3 and audit.score is not None and audit.score >= 0.8
    assert all(r.equivalence is None or r.equivalence.status == "not_checked" for r in audit.results)
