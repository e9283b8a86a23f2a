import cocotb
from cocotb.triggers import Timer


def model(a, en):
    return (1 << a) if en else 0


@cocotb.test()
async def exhaustive(dut):
    # walk the input space in several orders so stale (latched) values show up
    orders = [
        [(a, en) for en in (0, 1) for a in range(8)],
        [(a, en) for a in range(8) for en in (1, 0)],
        [(a, en) for en in (1, 0) for a in reversed(range(8))],
    ]
    for order in orders:
        for a, en in order:
            dut.a.value = a
            dut.en.value = en
            await Timer(1, unit="ns")
            exp = model(a, en)
            got = int(dut.y.value)
            assert got == exp, f"a={a} en={en}: expected y={exp:08b} got y={got:08b}"
