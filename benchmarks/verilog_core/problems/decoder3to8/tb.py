import cocotb
from cocotb.triggers import Timer

from harness.tbkit import tb_rng


def model(a, en):
    return (1 << a) if en else 0


def stimulus(rng):
    """Three sweeps of every (a, en), each in its own order drawn from ``rng`` (the run's seed),
    so stale (latched) values show up."""
    order = []
    for _ in range(3):
        sweep = [(a, en) for en in (0, 1) for a in range(8)]
        rng.shuffle(sweep)
        order += sweep
    return order


@cocotb.test()
async def exhaustive(dut):
    for a, en in stimulus(tb_rng("decoder3to8")):
        dut.a.value = a
        dut.en.value = en
        await Timer(1, unit="ns")
        exp = model(a, en)
        got = int(dut.y.value)
        assert got == exp, f"a={a} en={en}: expected y={exp:08b} got y={got:08b}"
