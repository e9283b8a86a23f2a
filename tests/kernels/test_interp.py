"""The interpreter shortcut (harness/families/kernels/sandboxed/interp.py): a ``@triton.jit``
helper called inside a launch skips Triton's repeated language patch, computes the same bits, and
leaves ``triton.language`` as Triton's own call does; outside a launch Triton's call runs. The
interpreter's ``_get_np_dtype`` on a table built once answers as Triton's own for every type. Block
types and tensor shapes made once per value are Triton's own, and so is what a kernel computes."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

KERNELS = '''
import triton
import triton.language as tl

import blind


@triton.jit
def key(x):
    xz = tl.where(x == 0.0, 0.0, x)
    return (xz.to(tl.int32, bitcast=True) >> 3) + tl.math.floor(xz * 7.0).to(tl.int32)


@triton.jit
def twice(x):
    return key(x) * 2  # a helper calling a helper


@triton.jit
def loop_kernel(x_ptr, y_ptr, s_ptr, N, BLOCK: tl.constexpr):
    lanes = tl.arange(0, BLOCK)
    acc = tl.zeros([BLOCK], dtype=tl.int32)
    total = 0.0
    for step in range(0, 5):
        x = tl.load(x_ptr + lanes, mask=lanes < N, other=0.0)
        acc += twice(x + step) - key(x)
        total += tl.sum(x * step, axis=0)  # a standard-library helper: it sees triton.language.core
    tl.store(y_ptr + lanes, acc, mask=lanes < N)
    tl.store(s_ptr, total)


@triton.jit
def blind_kernel(x_ptr, BLOCK: tl.constexpr):
    x = tl.load(x_ptr + tl.arange(0, BLOCK))
    tl.store(x_ptr + tl.arange(0, BLOCK), blind.blind(x))
'''
BLIND = '''
import triton


@triton.jit
def blind(x):  # no triton.language in its module: Triton's own call refuses it
    return x + 1
'''
DRIVER = '''
import json
import torch
import triton.language as tl
from triton.runtime import interpreter
import kernels

calls = []
patch = interpreter._patch_lang
interpreter._patch_lang = lambda fn: (calls.append(fn.__name__), patch(fn))[1]
ORIGINAL = {n: getattr(tl, n) for n in ("range", "static_range", "reduce", "where", "load")}
ORIGINAL["tensor.__index__"] = getattr(tl.tensor, "__index__", None)


def lang_restored():
    now = {n: getattr(tl, n) for n in ("range", "static_range", "reduce", "where", "load")}
    now["tensor.__index__"] = getattr(tl.tensor, "__index__", None)
    return all(now[n] is v for n, v in ORIGINAL.items())


def run():
    calls.clear()
    x = torch.linspace(-3.0, 3.0, 37)
    x[5] = -0.0
    y = torch.empty(37, dtype=torch.int32)
    s = torch.empty(1)
    kernels.loop_kernel[(1,)](x, y, s, 37, BLOCK=64)
    restored = lang_restored()
    try:
        kernels.blind_kernel[(1,)](torch.zeros(4), BLOCK=4)
        blind_error = ""
    except Exception as e:
        blind_error = type(e).__name__ + ": " + str(e)[:300]
    return {"y": y.tolist(), "s": s.tolist(), "calls": list(calls), "restored": restored and lang_restored(), "blind": blind_error}


plain = run()
from harness.families.kernels.sandboxed.interp import skip_repatching_in_launches
skip_repatching_in_launches()
fast = run()
calls.clear()
kernels.key(tl.tensor(interpreter.TensorHandle(torch.ones(4).numpy(), tl.float32), tl.block_type(tl.float32, [4])))
print(json.dumps({"plain": plain, "fast": fast, "outside": list(calls)}))
'''


def test_helpers_inside_a_launch_skip_the_patch_and_compute_the_same(tmp_path: Path) -> None:
    (tmp_path / "kernels.py").write_text(KERNELS)
    (tmp_path / "blind.py").write_text(BLIND)
    env = {**os.environ, "TRITON_INTERPRET": "1", "PYTHONPATH": f"{tmp_path}{os.pathsep}{REPO}"}
    proc = subprocess.run([sys.executable, "-c", DRIVER], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    plain, fast = out["plain"], out["fast"]
    assert fast["y"] == plain["y"] and len(set(plain["y"])) > 5 and fast["s"] == plain["s"] != [0.0]
    # Triton's call: one patch for the launch, then one per helper call (5 x twice, key, key, sum)
    assert plain["calls"][:1] == ["loop_kernel"] and plain["calls"].count("key") == 10
    assert plain["calls"].count("twice") == 5 and plain["calls"].count("sum") == 5
    # the shortcut: the launches patch, the helpers inside them do not, but for the first one that
    # sees triton.language.core (tl.zeros), whose patch Triton leaves in place
    assert fast["calls"] == ["loop_kernel", "zeros", "blind_kernel", "blind"], fast["calls"]
    # a helper whose module shows no triton.language still gets Triton's own call, and its refusal
    assert "triton.language must be visible" in plain["blind"] and fast["blind"] == plain["blind"]
    assert plain["restored"] and fast["restored"]  # each launch leaves triton.language as it found it
    assert out["outside"] == ["key"]  # outside a launch, Triton's own call (and patch)


NP_DTYPES = """
import json
import numpy as np
import triton.language as tl
from triton.runtime import interpreter
from harness.families.kernels.sandboxed import interp

own = interpreter._get_np_dtype
scalars = list({str(v): v for v in vars(tl).values() if type(v) is tl.dtype}.values())
kinds = [*scalars, *(tl.pointer_type(t) for t in scalars), *(tl.block_type(t, [2, 4]) for t in scalars),
         tl.block_type(tl.pointer_type(tl.float32), [8]), tl.pointer_type(tl.pointer_type(tl.int8))]

def answer(get, t):
    try:
        return str(get(t))
    except Exception as e:
        return "raises " + type(e).__name__

interp.install()
assert interpreter._get_np_dtype is not own
rows = [(str(t), answer(own, t), answer(interpreter._get_np_dtype, t)) for t in kinds]
print(json.dumps(rows))
"""


def test_the_np_dtype_table_answers_as_tritons_own() -> None:
    env = {**os.environ, "TRITON_INTERPRET": "1", "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-c", NP_DTYPES], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    rows = json.loads(proc.stdout.strip().splitlines()[-1])
    assert len(rows) > 40 and [r for r in rows if r[1] != r[2]] == []
    answers = {r[0]: r[1] for r in rows}
    assert answers["fp32"] == "float32" and answers["bf16"] == "uint16" and answers["pointer<fp32>"] == "uint64"
    assert any(r[1] == "raises KeyError" for r in rows)  # a type Triton has no entry for raises as before


MEMO = """
import json
import torch
import triton.language as tl
from triton.runtime import interpreter
import kernels
from harness.families.kernels.sandboxed import interp

core = tl.core
f32, i8 = tl.float32, tl.int8
ptr = tl.pointer_type(f32)
SHAPES = [[4], [2, 8], (16,), core.tuple([2, 4]), [tl.constexpr(8)], [], [3], [2, 0], [True], [2**21], [-4]]


def block(elem, shape):
    try:
        t = tl.block_type(elem, shape)
    except Exception as e:
        return "raises " + type(e).__name__ + ": " + str(e)
    assert t.element_ty is elem
    return [sorted(vars(t)), str(t.shape), list(t.shape), t.numel, t.name, type(t.shape).__name__]


def tensor(ty):
    t = tl.tensor(interpreter.TensorHandle(torch.zeros(1).numpy(), tl.float32), ty)
    assert t.type is ty
    return [sorted(vars(t)), [s.value for s in t.shape], type(t.shape).__name__, t.numel.value, str(t.dtype)]


def facts():
    rows = [block(e, s) for e in (f32, i8, ptr) for s in SHAPES for _ in range(2)]
    types = [f32, i8, ptr, tl.block_type(f32, [2, 4]), tl.block_type(ptr, [8]), tl.block_type(f32, [1]),
             tl.block_type(f32, [True]), tl.block_type(i8, [2, 4])]
    rows += [tensor(t) for t in types for _ in range(2)]
    x = torch.linspace(-3.0, 3.0, 37)
    y = torch.empty(37, dtype=torch.int32)
    s = torch.empty(1)
    kernels.loop_kernel[(1,)](x, y, s, 37, BLOCK=64)
    return rows + [y.tolist(), s.tolist()]


own = facts()
interp.install()
memo = facts()
print(json.dumps({"own": own, "memo": memo, "patched": tl.block_type.__init__.__name__}))
"""


def test_memoized_block_types_and_tensor_shapes_are_tritons_own(tmp_path: Path) -> None:
    (tmp_path / "kernels.py").write_text(KERNELS)
    (tmp_path / "blind.py").write_text(BLIND)
    env = {**os.environ, "TRITON_INTERPRET": "1", "PYTHONPATH": f"{tmp_path}{os.pathsep}{REPO}"}
    proc = subprocess.run([sys.executable, "-c", MEMO], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["patched"] == "block_type_init"  # the memo is what ran the second time
    assert out["memo"] == out["own"]
    raised = [r for r in out["own"] if isinstance(r, str)]
    assert any("0d block_type" in r for r in raised) and any("power of 2" in r for r in raised)
    assert sum(isinstance(r, list) and r[:1] == [["element_ty", "name", "numel", "shape"]] for r in out["own"]) >= 20
