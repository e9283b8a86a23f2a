"""verilog-hard, fourth round of the difficulty aim (issue 15): the Python models of fp32_fma,
jpeg_huff_dec and posit_alu agree with the worked examples of their specifications and with
independent formulations (numpy's float32 arithmetic for the operations that round once in
float32, a second posit rounding rule written from the tie definition, a JPEG decoder that must
reproduce the encoder's blocks). That the references pass their own testbenches is
tests/verilog_hard/test_verilog_hard.py::test_references_pass.
"""
from __future__ import annotations

import importlib.util
import random
import re
import sys
from fractions import Fraction
from pathlib import Path
from types import ModuleType

import numpy as np

PROBLEMS = Path(__file__).resolve().parents[2] / "benchmarks" / "verilog_hard" / "problems"
TB_MODELS = PROBLEMS.parent / "tb_models"


def load(path: Path, name: str) -> ModuleType:
    """A testbench or shared model module, with tb_models/ importable as beside tb.py."""
    sys.path.insert(0, str(TB_MODELS))
    try:
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(TB_MODELS))


FLAG_BITS = {"NV": 16, "DZ": 8, "OF": 4, "UF": 2, "NX": 1}
RM = {"RNE": 0, "RTZ": 1, "RDN": 2, "RUP": 3, "RMM": 4}
OPS = {"FMADD": 0, "FMSUB": 1, "FNMSUB": 2, "FNMADD": 3, "FMUL": 4, "FADD": 5, "FSUB": 6}


def flags_of(text: str) -> int:
    return sum(bit for name, bit in FLAG_BITS.items() if re.search(rf"\b{name}\b", text))


def test_fp32_fma_spec_examples() -> None:
    fma = load(PROBLEMS / "fp32_fma" / "tb.py", "fp32_fma_tb").fma
    rows = re.findall(r"^\| (F\w+) \| (\w{8}) \| (\w{8}) \| (\w{8}) \| (\w{8}) \| (.*) \|$",
                      (PROBLEMS / "fp32_fma" / "spec.md").read_text(), re.M)
    assert len(rows) == 18
    for op, a, b, c, want, note in rows:
        args = (OPS[op], int(a, 16), int(b, 16), int(c, 16))
        first = note.split(";")[0].split("(")[0]
        assert fma(*args, 0) == (int(want, 16), flags_of(first)), (op, a, b, c)
        for mode, res, fl in re.findall(r"with (\w{3}) (\w{8})(?: with ([A-Z, ]+))?", note):
            assert fma(*args, RM[mode]) == (int(res, 16), flags_of(fl)), (op, a, b, c, mode)


def test_fp32_fma_single_rounding_ops_agree_with_numpy() -> None:
    """FMUL, FADD and FSUB round once in float32: numpy's float32 arithmetic (RNE) is an oracle."""
    fma = load(PROBLEMS / "fp32_fma" / "tb.py", "fp32_fma_tb").fma
    rng = random.Random(4)
    with np.errstate(all="ignore"):
        for _ in range(3000):
            a, b, c = (rng.getrandbits(32) for _ in range(3))
            fa, fb, fc = (np.array([x], dtype=np.uint32).view(np.float32)[0] for x in (a, b, c))
            for op, want in ((4, fa * fb), (5, fa + fc), (6, fa - fc)):
                bits = int(np.array([want], dtype=np.float32).view(np.uint32)[0])
                got = fma(op, a, b, c, 0)[0]
                if np.isnan(want):
                    assert got == 0x7FC00000
                else:
                    assert got == bits, (op, hex(a), hex(b), hex(c))


def test_fp32_fma_product_far_below_addend_decides_rounding() -> None:
    """The cases the specification singles out: a tiny product breaks a tie and makes NX."""
    fma = load(PROBLEMS / "fp32_fma" / "tb.py", "fp32_fma_tb").fma
    assert fma(0, 0x3F800000, 0x3F800000, 0x33800000, 0) == (0x3F800000, 1)       # tie, to even
    assert fma(0, 0x3F800000, 0x00000001, 0x3F800000, 3) == (0x3F800001, 1)       # RUP: 1 + 2^-149
    assert fma(0, 0x3F800000, 0x00000001, 0x3F800000, 0) == (0x3F800000, 1)


def test_jpeg_model_spec_examples() -> None:
    jpeg = load(TB_MODELS / "jpeg_huff.py", "jpeg_huff")
    bits = [0, 2, 3, 1] + [0] * 12
    codes = [(c, n) for c, n, _ in jpeg.canonical_codes(bits, list(range(6)))]
    assert codes == [(0b00, 2), (0b01, 2), (0b100, 3), (0b101, 3), (0b110, 3), (0b1110, 4)]
    assert [jpeg.extend(v, 3) for v in range(8)] == [-7, -6, -5, -4, 4, 5, 6, 7]
    assert [jpeg.magnitude(v) for v in (-7, -4, 4, 7, 0, -1)] == [(3, 0), (3, 3), (3, 4), (3, 7), (0, 0), (1, 0)]
    zz = jpeg.ZIGZAG
    assert sorted(zz) == list(range(64)) and zz[:10] == [0, 1, 5, 6, 14, 15, 27, 28, 2, 4]


def test_jpeg_decoder_reproduces_the_encoder_and_its_errors() -> None:
    """make_scan raises unless the bit-level decoder returns the encoder's blocks (in natural
    order), the intended error code and, for a good scan, exactly the scan's bytes."""
    tb = load(PROBLEMS / "jpeg_huff_dec" / "tb.py", "jpeg_huff_dec_tb")
    rng = random.Random(15)
    seen: dict[tuple[str, int], int] = {}
    for _ in range(120):
        kind = rng.choice(["good", "code", "symbol", "range", "marker", "restart"])
        scan = tb.make_scan(rng, kind)
        seen[(kind, scan[5].error)] = seen.get((kind, scan[5].error), 0) + 1
    assert {k for k, _ in seen} == {"good", "code", "symbol", "range", "marker", "restart"}
    assert all(err == {"good": 0, "code": 1, "symbol": 2, "range": 3}.get(kind, 4) for kind, err in seen)


def test_jpeg_tables_have_no_all_ones_code() -> None:
    jpeg = load(TB_MODELS / "jpeg_huff.py", "jpeg_huff")
    rng = random.Random(2)
    for size in (1, 2, 12, 162, 256):
        bits, vals = jpeg.random_table(rng, list(range(size)))
        codes = jpeg.canonical_codes(bits, vals)
        assert sum(bits) == size and max(n for _, n, _ in codes) <= 16
        assert all(c != (1 << n) - 1 for c, n, _ in codes)


def test_posit_rounding_agrees_with_the_tie_formulation() -> None:
    posit = load(TB_MODELS / "posit.py", "posit")
    rng = random.Random(7)
    for n, es in ((8, 0), (10, 3), (16, 2), (32, 2), (12, 1)):
        for _ in range(1500):
            a, b = rng.getrandbits(n), rng.getrandbits(n)
            va, vb = posit.decode(a, n, es), posit.decode(b, n, es)
            if va is None or vb is None:
                continue
            for x in (va + vb, va - vb, va * vb, va * Fraction(rng.randrange(1, 999), rng.randrange(1, 999))):
                assert posit.round_posit(x, n, es) == posit.round_posit_by_ties(x, n, es), (n, es, a, b)
    for p in range(1 << 10):   # every posit<10, 3> value rounds to itself
        if p != 1 << 9:
            assert posit.round_posit(posit.decode(p, 10, 3), 10, 3) == p


def test_posit_spec_examples() -> None:
    posit = load(TB_MODELS / "posit.py", "posit")
    text = (PROBLEMS / "posit_alu" / "spec.md").read_text()
    values = {(8, 0): [(0x40, 1), (0x60, 2), (0x50, Fraction(3, 2)), (0x20, Fraction(1, 2)), (0x01, Fraction(1, 64)),
                       (0x7F, 64), (0xC0, -1)],
              (16, 2): [(0x4000, 1), (0x4800, 2), (0x5000, 4), (0x5400, 6), (0x4400, Fraction(3, 2)),
                        (0x7000, 256), (0x3000, Fraction(1, 4)), (0xC000, -1), (0x0001, Fraction(1, 2 ** 56)),
                        (0x7FFF, 2 ** 56), (0x7FFE, 2 ** 52)]}
    for (n, es), pairs in values.items():
        for p, v in pairs:
            assert posit.decode(p, n, es) == v, (n, es, hex(p))
    ops = {"+": 0, "-": 1, "x": 2}
    found = re.findall(r"(\d+)'h(\w+) ([+x-]) \d+'h(\w+) = \d+'h(\w+)", text)
    assert len(found) == 11
    for width, a, op, b, want in found:
        n, es = (8, 0) if width == "8" else (16, 2)
        assert posit.posit_op(ops[op], int(a, 16), int(b, 16), n, es) == int(want, 16), (a, op, b)


def test_bf16_dot4_spec_examples() -> None:
    dot4 = load(PROBLEMS / "bf16_dot4" / "tb.py", "bf16_dot4_tb").dot4
    rows = re.findall(r"^\| ((?:\w{4} ){3}\w{4}) \| ((?:\w{4} ){3}\w{4}) \| (\w{8}) \| (\w{8}) \| (.*) \|$",
                      (PROBLEMS / "bf16_dot4" / "spec.md").read_text(), re.M)
    assert len(rows) == 8
    for a, b, c, want, note in rows:
        args = (int(a.replace(" ", ""), 16), int(b.replace(" ", ""), 16), int(c, 16))
        first = note.split(";")[0].split("(")[0]
        assert dot4(*args, 0) == (int(want, 16), flags_of(first)), (a, b, c)
        for mode, res, fl in re.findall(r"with (\w{3}) (\w{8})(?: with ([A-Z, ]+))?", note):
            assert dot4(*args, RM[mode]) == (int(res, 16), flags_of(fl)), (a, b, c, mode)


def test_bf16_dot4_single_product_agrees_with_numpy() -> None:
    """One nonzero product plus +0 rounds once in float32: numpy's float32 multiply is an oracle
    (bfloat16 factors are float32 numbers with the low 16 bits 0)."""
    dot4 = load(PROBLEMS / "bf16_dot4" / "tb.py", "bf16_dot4_tb").dot4
    rng = random.Random(5)
    with np.errstate(all="ignore"):
        for _ in range(4000):
            x, y = rng.getrandbits(16), rng.getrandbits(16)
            slot = rng.randrange(4)
            want = np.array([x << 16], dtype=np.uint32).view(np.float32)[0] * \
                np.array([y << 16], dtype=np.uint32).view(np.float32)[0]
            got = dot4(x << (16 * slot), y << (16 * slot), 0, 0)[0]
            if np.isnan(want):
                assert got == 0x7FC00000
            elif want == 0:
                assert got & 0x7FFFFFFF == 0
            else:
                assert got == int(np.array([want], dtype=np.float32).view(np.uint32)[0]), (hex(x), hex(y))
