import cocotb
from cocotb.triggers import Timer


@cocotb.test()
async def exhaustive(dut):
    for b in list(range(256)) + list(reversed(range(256))):
        dut.bin.value = b
        await Timer(1, unit="ns")
        exp = b ^ (b >> 1)
        got = int(dut.gray.value)
        assert got == exp, f"bin={b:08b}: expected gray={exp:08b} got gray={got:08b}"
