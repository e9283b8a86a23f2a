import cocotb
from cocotb.triggers import Timer

MODES = ("shl", "shr", "rol", "ror")


def model(din, amt, mode):
    if mode == 0:
        return (din << amt) & 0xFF
    if mode == 1:
        return din >> amt
    if mode == 2:
        return ((din << amt) | (din >> (8 - amt))) & 0xFF
    return ((din >> amt) | (din << (8 - amt))) & 0xFF


@cocotb.test()
async def exhaustive(dut):
    din_h, amt_h, mode_h, dout_h = dut.din, dut.amt, dut.mode, dut.dout
    for mode in range(4):
        for amt in range(8):
            for din in range(256):
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
