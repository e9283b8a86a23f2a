import cocotb
from cocotb.triggers import Timer

from harness.tbkit import tb_rng

MODES = ("shl", "shr", "rol", "ror")


def model(din, amt, mode):
    if mode == 0:
        return (din << amt) & 0xFF
    if mode == 1:
        return din >> amt
    if mode == 2:
        return ((din << amt) | (din >> (8 - amt))) & 0xFF
    return ((din >> amt) | (din << (8 - amt))) & 0xFF


def stimulus(rng):
    """Every (mode, amt, din) once, in an order drawn from ``rng`` (the run's seed)."""
    vectors = [(mode, amt, din) for mode in range(4) for amt in range(8) for din in range(256)]
    rng.shuffle(vectors)
    return vectors


@cocotb.test()
async def exhaustive(dut):
    din_h, amt_h, mode_h, dout_h = dut.din, dut.amt, dut.mode, dut.dout
    for mode, amt, din in stimulus(tb_rng("barrel_shift8")):
        din_h.value = din
        amt_h.value = amt
        mode_h.value = mode
        await Timer(1, unit="ns")
        exp = model(din, amt, mode)
        got = int(dout_h.value)
        assert got == exp, (
            f"din={din:08b} amt={amt} mode={mode} ({MODES[mode]}): "
            f"expected dout={exp:08b} got dout={got:08b}"
        )
