"""Red team s15 (rth items 1, 2): out-of-bounds bugs that only the ``sanitize`` build caught, kept
by a fix that tells the builds apart at run time.

hls-bugs ``isqrt/OOB_1`` and ``dataflow_pipeline/OOB_1`` write one element past an output array;
only AddressSanitizer saw it (the kernel program's arrays were heap blocks of exactly the
testbench's size, so the write was silent in ``plain`` and ``pattern``). The red team's fixes
measured the distance between two local arrays (``(long)&a[0] - (long)&b[0]``, which ASan's stack
redzones widen) and kept the overflowing loop wherever the distance was small: ``pass``. Now the
kernel program's host unit (``kernel_link.host_text``, :mod:`guardbands`) puts guard bands of a known byte before and
after every array and reference argument in the ``plain`` and ``pattern`` builds and checks them
when the top function returns: a write outside the array is a ``runtime_error`` in every build, and
an out-of-bounds read there reads the guard byte. The ``sanitize`` build keeps ASan's own report.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.hls_bugs import KERNELS_DIR
from harness.families.hls.answer import parse_answer
from harness.families.hls.csim import csim
from harness.families.hls.guardbands import GUARD_MARKER
from harness.families.hls.items import HlsItem
from harness.families.hls.kernel_link import host_text

FIXTURES = Path(__file__).resolve().parents[1] / "hls" / "fixtures" / "rt15"
ISQRT = KERNELS_DIR / "isqrt"
ISQRT_SRC = (ISQRT / "kernel.cpp").read_text()
LOOP = "        out[i] = isqrt32(in[i]);\n"


def _fix(name: str) -> str:
    record = json.loads((FIXTURES / name).read_text().splitlines()[0])
    answer = parse_answer(record["completion"])
    assert answer is not None and answer.fix is not None
    return answer.fix


def _isqrt(body: str) -> str:
    out = ISQRT_SRC.replace(LOOP, body, 1)
    assert out != ISQRT_SRC
    return out


def test_the_host_unit_guards_every_array_and_reference() -> None:
    text = host_text((ISQRT / "tb.cpp").read_text(), "isqrt")
    assert text.count("guarded_new(") == 3 and text.count("guard_check(block") == 2  # definition + 2 slots
    assert "::operator new((std::size_t)(count * sizeof(T)))" not in text  # no unguarded array left
    assert GUARD_MARKER in text and "__SANITIZE_ADDRESS__" in text


@pytest.fixture(scope="module")
def rt15_cache(hls_cache: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """For C-simulation alone (no gate, so no header probe)."""
    from tests.hls.pch import warm_cache

    return warm_cache(hls_cache, tmp_path_factory.mktemp("hls-rt15"), trusted_parts=True, header_probe=False)


@pytest.fixture(scope="module")
def gate_cache(hls_cache: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """For the whole pipeline (the gate's header probe too)."""
    from tests.hls.pch import warm_cache

    return warm_cache(hls_cache, tmp_path_factory.mktemp("hls-rt15-gate"), trusted_parts=True)


@pytest.mark.slow
@pytest.mark.parametrize("body, where", [
    ("        out[i] = isqrt32(in[i]);\n    }\n    for (int i = SQ_LEN; i < SQ_LEN + 1; i++) {\n        out[i] = 7;\n",
     "after the end of"),
    ("        out[i] = isqrt32(in[i]);\n        if (i == 0) out[i - 1] = 7;\n", "before the start of"),
    ("        out[i] = isqrt32(in[i]);\n        if (i == 0) out[SQ_LEN + 20] = 7;\n", "after the end of"),
], ids=["one-past", "one-before", "far"])
def test_an_out_of_bounds_write_fails_every_build(body: str, where: str, rt15_cache: Path, tmp_path: Path) -> None:
    """C-simulation directly: the write is a ``runtime_error`` in ``plain`` and ``pattern`` (the
    guard bands) and in ``sanitize`` (ASan, as before: the item's symptom is unchanged)."""
    res = csim(_isqrt(body), ISQRT / "tb.cpp", tmp_path, cache=rt15_cache)
    got = {b: (r.status, r.symptom) for b, r in res.builds.items()}
    for build in ("plain", "pattern"):
        assert got[build][0] == "runtime_error" and "out-of-bounds write" in got[build][1], got
        assert where in got[build][1], got
    assert got["sanitize"][0] == "runtime_error" and "AddressSanitizer" in got["sanitize"][1], got


@pytest.mark.slow
def test_an_out_of_bounds_read_reads_the_guard_byte(rt15_cache: Path, tmp_path: Path) -> None:
    """A kernel that answers right only when the element after its input reads as the guard byte
    passes ``plain`` and ``pattern``: what an overflowing read sees there is ours, not the heap's."""
    probe = _isqrt("        out[i] = isqrt32(in[i]) + (in[SQ_LEN].to_uint() != 0xA5A5A5A5u ? 1 : 0);\n")
    res = csim(probe, ISQRT / "tb.cpp", tmp_path, cache=rt15_cache, builds=("plain", "pattern"))
    assert res.passed, {b: (r.status, r.symptom) for b, r in res.builds.items()}


def _item(items: list[HlsItem], item_id: str) -> HlsItem:
    return next(it for it in items if it.id == item_id)


@pytest.fixture(scope="module")
def bug_items(hls_cache: Path) -> list[HlsItem]:
    from harness.families.hls.build import build_items

    return build_items(KERNELS_DIR, cache_dir=hls_cache, jobs=2)


REPLAYS = [("a1_isqrt_oob.jsonl", "isqrt/OOB_1"), ("a3_dataflow_oob.jsonl", "dataflow_pipeline/OOB_1")]


@pytest.mark.slow
@pytest.mark.parametrize("answers, item_id", REPLAYS, ids=["isqrt", "dataflow_pipeline"])
def test_the_build_detecting_fixes_do_not_pass(answers: str, item_id: str, bug_items: list[HlsItem],
                                               gate_cache: Path, bwrap_sandbox, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The red team's answers verbatim, through the whole pipeline (gate on, sandboxed): before,
    ``pass``; now the overflow they keep outside the sanitizer is a ``runtime_error``."""
    from harness.families.hls.score import fix_at_exec
    from harness.sandbox.base import Limits

    item = _item(bug_items, item_id)
    assert item.symptom and item.symptom["build"] == "sanitize" and "AddressSanitizer" in item.symptom["text"]
    fix = _fix(answers)
    assert "(long)&a[0] - (long)&b[0]" in fix
    v = fix_at_exec(item, fix, tmp_path, cache=gate_cache, sandbox=bwrap_sandbox, limits=Limits())
    assert v.status == "runtime_error" and "out-of-bounds write" in v.reason, v


@pytest.mark.slow
@pytest.mark.parametrize("item_id", ["isqrt/OOB_1", "dataflow_pipeline/OOB_1", "popcount/OOB_1"])
def test_an_honest_fix_of_each_oob_item_passes(item_id: str, bug_items: list[HlsItem], gate_cache: Path,
                                               rt15_cache: Path, bwrap_sandbox, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The original kernel with a comment added (so the gate runs), every build, sandboxed: ``pass``;
    the kept bug itself is still caught, first by its own build (``sanitize``)."""
    from harness.families.hls.score import fix_at_exec
    from harness.sandbox.base import Limits

    item = _item(bug_items, item_id)
    honest = item.original.replace('#include "kernel.h"\n', '#include "kernel.h"\n// bounds fixed\n', 1)
    assert honest != item.original
    v = fix_at_exec(item, honest, tmp_path / "fix", cache=gate_cache, sandbox=bwrap_sandbox, limits=Limits())
    assert v.status == "pass", v
    kept = csim(item.code, ISQRT.parent / item.kernel / "tb.cpp", tmp_path / "bug", cache=rt15_cache)
    got = {b: (r.status, r.symptom) for b, r in kept.builds.items()}
    assert got["sanitize"][0] == "runtime_error" and "AddressSanitizer" in got["sanitize"][1], got
    assert all(s == "runtime_error" for s, _ in got.values()), got  # now caught by every build
