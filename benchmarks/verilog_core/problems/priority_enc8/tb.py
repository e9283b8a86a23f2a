import cocotb
from cocotb.triggers import Timer

from harness.tbkit import tb_rng


def model(req):
    if req == 0:
        return 0, 0
    return req.bit_length() - 1, 1


def stimulus(rng):
    """Every input in an order drawn from ``rng`` (the run's seed), then that order reversed."""
    order = list(range(256))
    rng.shuffle(order)
    return order + order[::-1]


@cocotb.test()
async def exhaustive(dut):
    for req in stimulus(tb_rng("priority_enc8")):
        dut.req.value = req
        await Timer(1, unit="ns")
        exp_idx, exp_valid = model(req)
        got_idx = int(dut.idx.value)
        got_valid = int(dut.valid.value)
        assert (got_idx, got_valid) == (exp_idx, exp_valid), (
            f"req={req:08b}: expected idx={exp_idx} valid={exp_valid} "
            f"got idx={got_idx} valid={got_valid}"
        )
