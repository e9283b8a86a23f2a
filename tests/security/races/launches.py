"""Launches for tests/security/test_kernel_races_rt16.py, run as ``python -m tests.security.races.launches``
in a process of their own (TRITON_INTERPRET must be set before triton is imported). Prints one JSON
object: each case's name -> the races :mod:`harness.families.kernels.sandboxed.races` found."""
from __future__ import annotations

import os

os.environ["TRITON_INTERPRET"] = "1"

import json  # noqa: E402

import torch  # noqa: E402
import triton  # noqa: E402
import triton.language as tl  # noqa: E402

from harness.families.kernels.sandboxed import interp, races  # noqa: E402


@triton.jit
def racy_sum(x, y, N, B: tl.constexpr):
    r = tl.program_id(0)
    c = tl.program_id(1)
    offs = c * B + tl.arange(0, B)
    v = tl.sum(tl.load(x + r * N + offs, mask=offs < N, other=0.0), axis=0)
    tl.store(y + r, tl.load(y + r) + v)

@triton.jit
def atomic_sum(x, y, N, B: tl.constexpr):
    r = tl.program_id(0)
    c = tl.program_id(1)
    offs = c * B + tl.arange(0, B)
    v = tl.sum(tl.load(x + r * N + offs, mask=offs < N, other=0.0), axis=0)
    tl.atomic_add(y + r, v)

@triton.jit
def locked_sum(x, y, lock, N, B: tl.constexpr):
    r = tl.program_id(0)
    c = tl.program_id(1)
    offs = c * B + tl.arange(0, B)
    v = tl.sum(tl.load(x + r * N + offs, mask=offs < N, other=0.0), axis=0)
    while tl.atomic_cas(lock + r, 0, 1) == 1:
        pass
    tl.store(y + r, tl.load(y + r) + v)
    tl.atomic_xchg(lock + r, 0)

@triton.jit
def same_value(x, y, m, N, B: tl.constexpr):
    r = tl.program_id(0)
    c = tl.program_id(1)
    offs = c * B + tl.arange(0, B)
    mean = tl.sum(tl.load(x + r * N + tl.arange(0, 2 * B), mask=tl.arange(0, 2 * B) < N, other=0.0), axis=0) / N
    tl.store(m + r, mean)
    tl.store(y + r * N + offs, tl.load(x + r * N + offs, mask=offs < N) - mean, mask=offs < N)

@triton.jit
def plain_rows(x, y, N, B: tl.constexpr):
    r = tl.program_id(0)
    offs = tl.arange(0, B)
    tl.store(y + r * N + offs, tl.load(x + r * N + offs, mask=offs < N) * 2, mask=offs < N)

@triton.jit
def read_neighbor_out(x, y, N, B: tl.constexpr):
    r = tl.program_id(0)
    offs = tl.arange(0, B)
    tl.store(y + r * N + offs, tl.load(x + r * N + offs, mask=offs < N), mask=offs < N)
    prev = tl.load(y + (r - 1) * N + offs, mask=(offs < N) & (r > 0), other=0.0)
    tl.store(y + r * N + offs, tl.load(x + r * N + offs, mask=offs < N) + prev, mask=offs < N)

@triton.jit
def last_program_sums(x, part, y, count, N, B: tl.constexpr):
    # each program stores its partial sum, then the last one to arrive (an atomic counter orders
    # them) reads every partial: the "last block" reduction
    c = tl.program_id(0)
    offs = c * B + tl.arange(0, B)
    tl.store(part + c, tl.sum(tl.load(x + offs, mask=offs < N, other=0.0), axis=0))
    done = tl.atomic_add(count, 1)
    if done == tl.num_programs(0) - 1:
        k = tl.arange(0, 8)
        tl.store(y, tl.sum(tl.load(part + k, mask=k < tl.num_programs(0), other=0.0), axis=0))


@triton.jit
def atomic_then_read(x, y, out, N, B: tl.constexpr):
    # programs add into y[0] atomically and every program also reads y[0]: a partial sum
    c = tl.program_id(0)
    offs = c * B + tl.arange(0, B)
    tl.atomic_add(y, tl.sum(tl.load(x + offs, mask=offs < N, other=0.0), axis=0))
    tl.store(out + c, tl.load(y))


@triton.jit
def different_values(x, m, N, B: tl.constexpr):
    # every program writes its own value to m[0]: the last one wins in the interpreter
    c = tl.program_id(0)
    offs = c * B + tl.arange(0, B)
    tl.store(m, tl.sum(tl.load(x + offs, mask=offs < N, other=0.0), axis=0))


def main() -> None:
    interp.install()
    races.install()
    x = torch.randn(4, 100)
    flat = x.reshape(-1)[:200].contiguous()
    cases = {
        "racy_rmw": lambda: racy_sum[(4, 4)](x, torch.zeros(4), 100, B=32),
        "atomic_add": lambda: atomic_sum[(4, 4)](x, torch.zeros(4), 100, B=32),
        "lock_cas_xchg": lambda: locked_sum[(4, 4)](x, torch.zeros(4), torch.zeros(4, dtype=torch.int32), 100, B=32),
        "same_value_stores": lambda: same_value[(4, 2)](x, torch.empty(4, 100), torch.empty(4), 64, B=32),
        "own_rows": lambda: plain_rows[(4,)](x, torch.empty(4, 100), 100, B=128),
        "reads_neighbour_output": lambda: read_neighbor_out[(4,)](x, torch.empty(4, 100), 100, B=128),
        "last_program_reduction": lambda: last_program_sums[(7,)](flat, torch.zeros(7), torch.zeros(1),
                                                                  torch.zeros(1, dtype=torch.int32), 200, B=32),
        "atomic_then_plain_read": lambda: atomic_then_read[(4,)](flat, torch.zeros(1), torch.zeros(4), 128, B=32),
        "different_values": lambda: different_values[(4,)](flat, torch.zeros(1), 128, B=32),
    }
    found = {}
    for name, launch in cases.items():
        races.take()
        launch()
        found[name] = races.take()
    print(json.dumps(found))


if __name__ == "__main__":
    main()
