import cocotb
from cocotb.triggers import Timer


def model(g):
    b = 0
    acc = 0
    for i in range(7, -1, -1):
        acc ^= (g >> i) & 1
        b |= acc << i
    return b


@cocotb.test()
async def exhaustive(dut):
    for g in list(range(256)) + list(reversed(range(256))):
        dut.gray.value = g
        await Timer(1, unit="ns")
        exp = model(g)
        got = int(dut.bin.value)
        assert got == exp, f"gray={g:08b}: expected bin={exp:08b} got bin={got:08b}"
