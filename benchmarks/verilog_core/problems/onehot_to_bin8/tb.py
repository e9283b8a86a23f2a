import cocotb
from cocotb.triggers import Timer

from harness.tbkit import tb_rng


def model(x):
    if x != 0 and (x & (x - 1)) == 0:
        return x.bit_length() - 1, 0
    return 0, 1


def stimulus(rng):
    """Every code in an order drawn from ``rng`` (the run's seed), then that order reversed, then
    valid and invalid codes alternating for each bit k (k in a drawn order) so stale values are
    exposed."""
    order = list(range(256))
    rng.shuffle(order)
    ks = list(range(8))
    rng.shuffle(ks)
    seq = order + order[::-1]
    for k in ks:
        seq += [1 << k, 0, 1 << k, 0xFF, 1 << k, (1 << k) | (1 << ((k + 1) % 8))]
    return seq


@cocotb.test()
async def exhaustive(dut):
    for x in stimulus(tb_rng("onehot_to_bin8")):
        dut.onehot.value = x
        await Timer(1, unit="ns")
        exp_bin, exp_err = model(x)
        got_bin = int(dut.bin.value)
        got_err = int(dut.err.value)
        assert (got_bin, got_err) == (exp_bin, exp_err), (
            f"onehot={x:08b}: expected bin={exp_bin} err={exp_err} "
            f"got bin={got_bin} err={got_err}"
        )
