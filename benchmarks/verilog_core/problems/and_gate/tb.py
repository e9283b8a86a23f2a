import cocotb
from cocotb.triggers import Timer

from harness.tbkit import tb_rng

# Four vectors, so one shuffled sweep would let an answer that plays back outputs by time pass
# one run in four: the sweep is repeated in ROUNDS independently shuffled rounds.
ROUNDS = 8


def stimulus(rng):
    """Every (a, b), ROUNDS times, each round in an order drawn from ``rng``."""
    order = []
    for _ in range(ROUNDS):
        sweep = [(a, b) for a in (0, 1) for b in (0, 1)]
        rng.shuffle(sweep)
        order += sweep
    return order


@cocotb.test()
async def exhaustive(dut):
    for a, b in stimulus(tb_rng("and_gate")):
        dut.a.value = a
        dut.b.value = b
        await Timer(1, unit="ns")
        assert int(dut.y.value) == (a & b), f"a={a} b={b} y={dut.y.value}"
