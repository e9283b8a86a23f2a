import cocotb
from cocotb.triggers import Timer


def model(x):
    if x != 0 and (x & (x - 1)) == 0:
        return x.bit_length() - 1, 0
    return 0, 1


@cocotb.test()
async def exhaustive(dut):
    seq = list(range(256)) + list(reversed(range(256)))
    # alternate valid and invalid codes so stale values are exposed
    for k in range(8):
        seq += [1 << k, 0, 1 << k, 0xFF, 1 << k, (1 << k) | (1 << ((k + 1) % 8))]
    for x in seq:
        dut.onehot.value = x
        await Timer(1, unit="ns")
        exp_bin, exp_err = model(x)
        got_bin = int(dut.bin.value)
        got_err = int(dut.err.value)
        assert (got_bin, got_err) == (exp_bin, exp_err), (
            f"onehot={x:08b}: expected bin={exp_bin} err={exp_err} "
            f"got bin={got_bin} err={got_err}"
        )
