"""The bit-exact references of kernels-hard agree with independent exact computations (Python
integers and fractions, stable ``sorted``) on the CPU configurations: the goldens are checked
against these references, so a wrong reference would make every honest answer fail."""
from __future__ import annotations

import math
from fractions import Fraction
from types import ModuleType

import pytest
import torch

from benchmarks.kernels_hard import PROBLEMS_DIR, load_hard_problem


def _problem(pid: str) -> tuple[ModuleType, object]:
    p = load_hard_problem(PROBLEMS_DIR / pid)
    assert p.module is not None
    return p.module, p.module.Model(*p.init_inputs("small"))


def _round_half_away(q: Fraction) -> int:
    fl = math.floor(q)
    if q - fl != Fraction(1, 2):
        return fl + 1 if q - fl > Fraction(1, 2) else fl
    return fl + 1 if q > 0 else fl


def _e2m1(x: float, e: int) -> int:
    mags = [0, 0.5, 1, 1.5, 2, 3, 4, 6]
    a = abs(Fraction(x) * Fraction(2) ** (-e))
    code = 7 if a > 6 else min(range(8), key=lambda i: (abs(a - Fraction(mags[i])), i % 2))  # ties: even code
    return code | (8 if math.copysign(1.0, x) < 0 else 0)


@pytest.mark.parametrize("cfg", ["small", "edge"])
def test_mxfp4_reference_is_exact_rounding(cfg: str) -> None:
    mod, model = _problem("mxfp4_quantize")
    for dist in mod.DISTS:
        (x,) = mod.get_inputs(mod.CONFIGS[cfg], dist, 0)
        packed, scales = model(x)
        for r in range(x.shape[0]):
            row = x[r].tolist()
            for b in range(0, len(row), 32):
                amax = max(abs(v) for v in row[b:b + 32])
                e = -127 if amax == 0 else max(Fraction(amax).numerator.bit_length()
                                                - Fraction(amax).denominator.bit_length() - 2, -127)
                if amax and Fraction(2) ** (e + 2) > amax:  # bit-length difference can overshoot by one
                    e = max(e - 1, -127)
                assert int(scales[r, b // 32]) == e + 127, (dist, r, b)
                for c in range(b, min(b + 32, len(row))):
                    nib = (int(packed[r, c // 2]) >> (4 * (c % 2))) & 0xF
                    assert nib == _e2m1(row[c], e), (dist, r, c, row[c])


def test_requant_reference_is_exact_integer_math() -> None:
    mod, model = _problem("int8_requant_matmul")
    for dist in mod.DISTS:
        a, b, bias, mult, shift = mod.get_inputs(mod.CONFIGS["small"], dist, 0)
        y = model(a, b, bias, mult, shift)
        rows, cols = a.long().tolist(), b.long().tolist()
        for i in range(len(rows)):
            for j in range(len(cols)):
                acc = int(bias[j]) + sum((u - mod.A_ZERO_POINT) * w for u, w in zip(rows[i], cols[j], strict=True))
                t = _round_half_away(Fraction(acc * int(mult[j]), 2**31))
                u = _round_half_away(Fraction(t, 2 ** int(shift[j])))
                assert int(y[i, j]) == max(-128, min(127, u + mod.OUT_ZERO_POINT)), (dist, i, j)


def test_hash_rows_are_the_unsigned_64_bit_hash() -> None:
    mod, _ = _problem("hashed_embedding_bag")
    ids = torch.tensor([0, 1, -1, -2, 2**63 - 1, -(2**63), 123456789, -987654321])
    for bits in (0, 1, 8, 18, 30):
        want = [(((i % 2**64) * 0x9E3779B97F4A7C15) % 2**64) >> (64 - bits) if bits else 0 for i in ids.tolist()]
        assert mod.hash_rows(ids, bits).tolist() == want


def _order(v: float) -> tuple[int, float]:
    return (0, 0.0) if math.isnan(v) else (1, -v)  # NaN first, then descending; -0.0 == +0.0


def test_segmented_argsort_reference_is_a_stable_sort() -> None:
    mod, model = _problem("segmented_argsort")
    for cfg in ("small", "edge"):
        for dist in mod.DISTS:
            values, offsets = mod.get_inputs(mod.CONFIGS[cfg], dist, 1)
            perm, _ = model(values, offsets)
            v = values.tolist()
            want: list[int] = []
            for s in range(offsets.numel() - 1):
                want += sorted(range(int(offsets[s]), int(offsets[s + 1])), key=lambda i: (*_order(v[i]), i))
            assert perm.tolist() == want, (cfg, dist)


def test_row_median_reference_is_the_lower_median() -> None:
    mod, model = _problem("row_median")
    for cfg in ("small", "edge"):
        for dist in mod.DISTS:
            (x,) = mod.get_inputs(mod.CONFIGS[cfg], dist, 1)
            med, idx = model(x)
            for r, row in enumerate(x.tolist()):
                if any(math.isnan(u) for u in row):
                    assert math.isnan(float(med[r])) and int(idx[r]) == next(j for j, u in enumerate(row) if math.isnan(u))
                    continue
                m = sorted(row)[(len(row) - 1) // 2]
                assert float(med[r]) == m and int(idx[r]) == row.index(m), (cfg, dist, r)
