"""verilog-hard, the problems added for the difficulty aim (fp32_add, fp32_mul, fcvt_complete,
rv32im_core, rv32_mext_modify, inflate_fixed, inflate_debug, dram_sched): the Python reference
models of their testbenches (in tb.py or the shared ``tb_models/`` modules) agree with independent oracles (numpy's IEEE float32, zlib) and
reproduce the worked examples their specifications state; the debug problem's buggy design
fails with the log its prompt shows."""
from __future__ import annotations

import importlib.util
import random
import re
import sys
import zlib
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from tests.helpers import executions, hweval, write_replay

PROBLEMS = Path(__file__).resolve().parents[2] / "benchmarks" / "verilog_hard" / "problems"
TB_MODELS = PROBLEMS.parent / "tb_models"
NEW = ("fp32_add", "fp32_mul", "fcvt_complete", "rv32im_core", "rv32_mext_modify", "inflate_fixed",
       "inflate_debug", "dram_sched")


def tb(problem: str) -> ModuleType:
    """The problem's testbench module (its models and generators), imported outside a simulator
    with the shared models importable, as they are beside tb.py in the sandbox."""
    spec = importlib.util.spec_from_file_location(f"tb_{problem}", PROBLEMS / problem / "tb.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(TB_MODELS))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(TB_MODELS))
    return module


def model(name: str) -> ModuleType:
    """A shared testbench model of ``tb_models/``."""
    spec = importlib.util.spec_from_file_location(f"tb_models_{name}", TB_MODELS / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def f32(bits: int) -> np.float32:
    return np.array([bits], dtype=np.uint32).view(np.float32)[0]


def bits32(x: np.float32) -> int:
    return int(np.array([x], dtype=np.float32).view(np.uint32)[0])


def test_new_problems_are_present_with_their_kinds() -> None:
    kinds = {}
    for pid in NEW:
        meta = (PROBLEMS / pid / "meta.toml").read_text()
        kinds[pid] = re.search(r'^kind = "(\w+)"', meta, re.M).group(1)  # type: ignore[union-attr]
    assert kinds["fcvt_complete"] == "complete" and kinds["rv32_mext_modify"] == "modify"
    assert kinds["inflate_debug"] == "debug" and sum(k == "spec" for k in kinds.values()) == 5


@pytest.mark.parametrize("op", ["add", "sub", "mul"])
def test_fp_models_match_numpy_float32_in_rne(op: str) -> None:
    """numpy's float32 arithmetic is IEEE round-to-nearest-even, subnormals included: the exact
    rational models must give the same bits (NaNs: the model's canonical NaN)."""
    mod, b32 = tb("fp32_mul" if op == "mul" else "fp32_add"), model("binary32")
    rng = random.Random(11)
    with np.errstate(all="ignore"):
        for _ in range(4000):
            a, b = mod.operand_pair(rng)
            fa, fb = f32(a), f32(b)
            if op == "mul":
                want, (got, _) = fa * fb, mod.fmul(a, b, b32.RNE)
            else:
                want, (got, _) = (fa - fb if op == "sub" else fa + fb), mod.fadd(a, b, op == "sub", b32.RNE)
            if np.isnan(want):
                assert got == b32.QNAN, (hex(a), hex(b))
            else:
                assert got == bits32(want), (hex(a), hex(b), hex(got), hex(bits32(want)))


def test_fp_spec_examples() -> None:
    add, mul = tb("fp32_add"), tb("fp32_mul")
    for a, b, sub, rm, res, fl in [(0x3F800000, 0x3F800000, 0, 0, 0x40000000, 0),
                                   (0x3F800000, 0x33800000, 0, 0, 0x3F800000, 1),
                                   (0x3F800000, 0x33800000, 0, 3, 0x3F800001, 1),
                                   (0x7F7FFFFF, 0x7F7FFFFF, 0, 0, 0x7F800000, 5), (1, 1, 1, 0, 0, 0),
                                   (1, 1, 1, 2, 0x80000000, 0), (0x7F800000, 0x7F800000, 1, 0, 0x7FC00000, 16),
                                   (0x7F800001, 0x3F800000, 0, 0, 0x7FC00000, 16)]:
        assert add.fadd(a, b, sub, rm) == (res, fl), (hex(a), hex(b), sub, rm)
    for a, b, rm, res, fl in [(0x3F800000, 0x40400000, 0, 0x40400000, 0), (0x3F800001, 0x3F800001, 0, 0x3F800002, 1),
                              (1, 0x3F000000, 0, 0, 3), (1, 0x3F000000, 3, 1, 3), (1, 0x3F000000, 4, 1, 3),
                              (0x00800000, 0x3F000000, 0, 0x00400000, 0), (0x7F000000, 0x40000000, 0, 0x7F800000, 5),
                              (0x7F000000, 0x40000000, 1, 0x7F7FFFFF, 5), (0x7F800000, 0x80000000, 0, 0x7FC00000, 16),
                              (0xFF800000, 1, 0, 0xFF800000, 0), (0x7FA00000, 0x7F800000, 0, 0x7FC00000, 16)]:
        assert mul.fmul(a, b, rm) == (res, fl), (hex(a), hex(b), rm)


def test_fcvt_model_matches_numpy_and_spec_examples() -> None:
    mod, b32 = tb("fcvt_complete"), model("binary32")
    rng = random.Random(5)
    for _ in range(3000):
        a = mod.operand(rng, 2)   # int32 -> float32, numpy rounds to nearest even
        got, flags = mod.fcvt(2, b32.RNE, a)
        signed = a - (1 << 32) if a >> 31 else a
        assert got == bits32(np.float32(signed)) and (flags == 1) == (float(np.float32(signed)) != signed)
        x = mod.operand(rng, 0)   # float32 -> int32 toward zero, where in range
        v = float(f32(x))
        if np.isfinite(v) and -2 ** 31 <= int(v) < 2 ** 31:
            assert mod.fcvt(0, b32.RTZ, x) == (int(v) & 0xFFFFFFFF, int(int(v) != v))
    for op, rm, a, res, fl in [(0, 0, 0x40200000, 2, 1), (0, 4, 0x40200000, 3, 1), (0, 3, 0x40200000, 3, 1),
                               (0, 0, 0xC0200000, 0xFFFFFFFE, 1), (0, 4, 0xC0200000, 0xFFFFFFFD, 1),
                               (0, 2, 0xC0200000, 0xFFFFFFFD, 1), (0, 0, 0x4F000000, 0x7FFFFFFF, 16),
                               (0, 0, 0xCF000000, 0x80000000, 0), (1, 0, 0x4F7FFFFF, 0xFFFFFF00, 0),
                               (2, 0, 0x01000001, 0x4B800000, 1), (2, 3, 0x01000001, 0x4B800001, 1),
                               (3, 0, 0xFFFFFFFF, 0x4F800000, 1), (1, 0, 0xBECCCCCD, 0, 1), (1, 1, 0xBF666666, 0, 1),
                               (1, 0, 0xBF19999A, 0, 16), (1, 0, 0x80000000, 0, 0), (0, 0, 0x7FC00000, 0x7FFFFFFF, 16)]:
        assert mod.fcvt(op, rm, a) == (res, fl), (op, rm, hex(a))


def test_inflate_streams_agree_with_zlib() -> None:
    """The testbench's own encoder writes streams zlib decodes; its error streams are ones zlib
    rejects; the specification's example stream decodes to "aaaa"."""
    mod = model("deflate_bench")
    rng = random.Random(3)
    for _ in range(150):
        stream, used = mod.random_stream(rng)
        zlib.decompress(stream, -15)
        assert mod.last_byte(stream, used) < len(stream)
    for k in range(60):
        stream, prefix, last = mod.error_stream(rng, k % 6, one_past=k % 12 == 5)
        assert last < len(stream) - 1
        with pytest.raises(zlib.error):
            zlib.decompress(stream, -15)
    assert zlib.decompress(bytes([0x4B, 0x04, 0x02, 0x00]), -15) == b"aaaa"
    stream, used = mod.encode([("fixed", [0x61, (3, 1)])], random.Random(0))
    assert stream[:3] == bytes([0x4B, 0x04, 0x02]) and stream[3] & 0x3F == 0 and used == 30


def test_rv32_iss_spec_examples() -> None:
    core = model("rv32_iss")
    prog = {0: 0x000100B7, 4: 0xFFF00113, 8: 0x002081A3, 12: 0x0000A183}
    iss = core.Iss(prog, {0x10000: 0x11223344})
    steps = [iss.step() for _ in range(4)]
    assert [s[0] for s in steps] == [(0, 0x000100B7, 1, 0x10000), (4, 0xFFF00113, 2, 0xFFFFFFFF),
                                     (8, 0x002081A3, 0, 0), (12, 0x0000A183, 3, 0xFF223344)]
    assert steps[2][1] == [(0x10000, 0b1000, 0xFF000000)]
    # M extension corner results
    assert core.alu_m(4, 5, 0) == 0xFFFFFFFF and core.alu_m(6, 5, 0) == 5
    assert core.alu_m(4, 0x80000000, 0xFFFFFFFF) == 0x80000000 and core.alu_m(6, 0x80000000, 0xFFFFFFFF) == 0
    assert core.alu_m(2, 0xFFFFFFFF, 0xFFFFFFFF) == 0xFFFFFFFF and core.alu_m(1, 0xFFFFFFFF, 0xFFFFFFFF) == 0
    # the change request's misaligned example: sh x2, 3(x1) then lh x3, 3(x1)
    ma = core
    sh, lh = ma.enc_s(3, 2, 1, 1), ma.enc_i(3, 1, 1, 3, 0x03)
    iss = ma.Iss({0: sh, 4: lh}, {0x10000: 0, 0x10004: 0})
    iss.x[1], iss.x[2] = 0x10000, 0xA1B2C3D4
    (rec_sh, stores), (rec_lh, _) = iss.step(), iss.step()
    assert rec_sh == (0, sh, 0, 0) and stores == [(0x10000, 0b1000, 0xD4000000), (0x10004, 0b0001, 0xC3)]
    assert rec_lh == (4, lh, 3, 0xFFFFC3D4)


def test_dram_model_spec_example() -> None:
    mod = tb("dram_sched")
    m = mod.Sched("a_", mod.SET_A)
    m.reset()
    offered = {0: (0, 5, 1, 0), 4: (0, 5, 2, 1), 5: (0, 6, 3, 0)}
    seen = []
    for c in range(14):
        req = offered.get(c)
        inp = {"a_rst": 0, "a_req_valid": int(req is not None)}
        if req:
            inp.update(a_req_bank=req[0], a_req_row=req[1], a_req_col=req[2], a_req_we=req[3])
        out = m.outputs(inp)
        seen.append((out["a_cmd"], out["a_req_ready"]))
        m.step(inp)
    assert [cmd for cmd, _ in seen] == [0, 1, 0, 0, 2, 3, 0, 0, 4, 0, 0, 0, 1, 0]
    assert seen[4][1] == 1 and seen[5][1] == 1 and seen[6][1] == 0


@pytest.mark.slow
def test_inflate_debug_buggy_design_fails_as_logged(tmp_path: Path) -> None:
    """The design in the debug prompt fails our testbench with the failure its log shows (the
    directed streams come first, so the first failure does not depend on the seed)."""
    spec = (PROBLEMS / "inflate_debug" / "spec.md").read_text()
    buggy = spec.split("## The design under test")[1].split("```verilog\n")[1].split("```")[0]
    logged = re.search(r"AssertionError: (cycle \d+: .*)", spec).group(1)  # type: ignore[union-attr]
    replay = write_replay(tmp_path / "r.jsonl", "verilog-hard", "inflate_debug", [f"```verilog\n{buggy}```"])
    out = tmp_path / "run"
    proc = hweval("run", "--suite", "verilog-hard", "--model", f"replay:{replay}", "--problems", "inflate_debug",
                  "-S", "synth=off", "-S", "validate=off", "--timeout", "300", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    rec = executions(out)[0]
    assert rec["status"] == "fail" and logged in rec["reason"], rec["reason"]
