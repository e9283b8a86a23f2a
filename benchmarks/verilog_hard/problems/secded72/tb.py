import os
import random

import cocotb
from cocotb.triggers import Timer

SEED = int(os.environ.get("HWEVAL_TB_SEED", "20261129"))
DPOS = [p for p in range(3, 72) if p & (p - 1)]
assert len(DPOS) == 64


def encode(d):
    c = [0] * 72
    for i, p in enumerate(DPOS):
        c[p] = (d >> i) & 1
    for k in range(7):
        c[1 << k] = 0
        for p in DPOS:
            if p >> k & 1:
                c[1 << k] ^= c[p]
    c[0] = 0
    for p in range(1, 72):
        c[0] ^= c[p]
    return sum(b << p for p, b in enumerate(c))


def decode(code):
    s = 0
    for p in range(1, 72):
        if code >> p & 1:
            s ^= p
    q = bin(code).count("1") & 1
    corr = unc = 0
    fixed = code
    if q:
        if s < 72:
            corr = 1
            if s:
                fixed ^= 1 << s
        else:
            unc = 1
    elif s:
        unc = 1
    data = sum(((fixed >> p) & 1) << i for i, p in enumerate(DPOS))
    return {"data_out": data, "syndrome": (q << 7) | s, "corrected": corr, "uncorrectable": unc}


async def check_enc(dut, d, what):
    dut.data_in.value = d
    await Timer(1, unit="ns")
    exp = encode(d)
    got = int(dut.code_out.value)
    if got != exp:
        raise AssertionError(f"secded_enc {what}: data_in=0x{d:016x}: code_out expected 0x{exp:018x} "
                             f"got 0x{got:018x} (differing bits 0x{exp ^ got:018x})")


async def check_dec(dut, code, what):
    dut.code_in.value = code
    await Timer(1, unit="ns")
    exp = decode(code)
    got = {k: int(getattr(dut, k).value) for k in exp}
    bad = [k for k in exp if exp[k] != got[k]]
    if bad:
        raise AssertionError(f"secded_dec {what}: code_in=0x{code:018x}: mismatch on {', '.join(bad)}; "
                             f"expected {{{', '.join(f'{k}=0x{exp[k]:x}' for k in bad)}}} "
                             f"got {{{', '.join(f'{k}=0x{got[k]:x}' for k in bad)}}}")


@cocotb.test()
async def test_encoder(dut):
    rng = random.Random(SEED)
    dut.code_in.value = 0
    for i in range(64):
        await check_enc(dut, 1 << i, f"single data bit {i}")
    for d in (0, (1 << 64) - 1, 0x5555555555555555, 0xAAAAAAAAAAAAAAAA, 0x8000000000000001):
        await check_enc(dut, d, "directed")
    for n in range(300):
        await check_enc(dut, rng.getrandbits(64), f"random #{n}")


@cocotb.test()
async def test_decoder(dut):
    rng = random.Random(SEED + 1)
    dut.data_in.value = 0
    datas = [0, (1 << 64) - 1, 1, 1 << 63] + [rng.getrandbits(64) for _ in range(4)]
    for d in datas:
        c = encode(d)
        await check_dec(dut, c, "clean word")
        for p in range(72):
            await check_dec(dut, c ^ (1 << p), f"single error at position {p}")
    for n in range(250):
        c = encode(rng.getrandbits(64))
        a, b = rng.sample(range(72), 2)
        await check_dec(dut, c ^ (1 << a) ^ (1 << b), f"double error at positions {a},{b}")
    for n in range(250):
        c = encode(rng.getrandbits(64))
        ps = rng.sample(range(72), rng.choice((3, 5)))
        for p in ps:
            c ^= 1 << p
        await check_dec(dut, c, f"multi-bit error at positions {ps}")
    for n in range(200):
        await check_dec(dut, rng.getrandbits(72), f"random code word #{n}")
