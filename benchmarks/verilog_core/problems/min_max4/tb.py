import itertools
import os
import random

import cocotb
from cocotb.triggers import Timer


def model(v):
    mx = max(v)
    return min(v), mx, v.index(mx)


async def check(dut, v):
    dut.a0.value = v[0]
    dut.a1.value = v[1]
    dut.a2.value = v[2]
    dut.a3.value = v[3]
    await Timer(1, unit="ns")
    exp = model(v)
    got = (int(dut.min_val.value), int(dut.max_val.value), int(dut.max_idx.value))
    assert got == exp, (
        f"a0={v[0]} a1={v[1]} a2={v[2]} a3={v[3]}: expected min_val={exp[0]} "
        f"max_val={exp[1]} max_idx={exp[2]} got min_val={got[0]} max_val={got[1]} "
        f"max_idx={got[2]}"
    )


@cocotb.test()
async def directed(dut):
    # every arrangement of a few levels, including all tie patterns
    for v in itertools.product((0, 1, 0x80, 0xFF), repeat=4):
        await check(dut, list(v))
    for v in itertools.product((0x10, 0x11, 0x12), repeat=4):
        await check(dut, list(v))
    # each position holds a unique max / unique min with neighbours one apart
    for k in range(4):
        for base in (0, 1, 0x7F, 0x80, 0xFE):
            v = [base] * 4
            v[k] = base + 1
            await check(dut, v)
            v = [base + 1] * 4
            v[k] = base
            await check(dut, v)
    # sweep one input across all values
    for k in range(4):
        for x in range(256):
            v = [0x40, 0x90, 0x20, 0xB0]
            v[k] = x
            await check(dut, v)


@cocotb.test()
async def random_vectors(dut):
    rng = random.Random(int(os.environ.get("HWEVAL_TB_SEED", "20261129")))
    for _ in range(2000):
        if rng.random() < 0.4:
            pool = [rng.randrange(256) for _ in range(2)]
            v = [rng.choice(pool) for _ in range(4)]
        else:
            v = [rng.randrange(256) for _ in range(4)]
        await check(dut, v)
