import cocotb
from cocotb.triggers import Timer

from harness.tbkit import tb_rng


def stimulus(rng):
    """Every input once, in an order drawn from ``rng`` (the run's seed)."""
    order = list(range(1 << 16))
    rng.shuffle(order)
    return order


@cocotb.test()
async def exhaustive(dut):
    data_h = dut.data
    even_h = dut.even_par
    odd_h = dut.odd_par
    settle = Timer(1, unit="ns")  # made once, awaited after each vector: the same 1 ns
    for data in stimulus(tb_rng("parity16")):
        data_h.value = data
        await settle
        exp_even = bin(data).count("1") & 1
        exp_odd = exp_even ^ 1
        got_even = int(even_h.value)
        got_odd = int(odd_h.value)
        assert got_even == exp_even and got_odd == exp_odd, (
            f"data=0x{data:04x}: expected even_par={exp_even} odd_par={exp_odd} "
            f"got even_par={got_even} odd_par={got_odd}"
        )
