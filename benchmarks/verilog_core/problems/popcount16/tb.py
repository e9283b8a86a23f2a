import cocotb
from cocotb.triggers import Timer


@cocotb.test()
async def exhaustive(dut):
    data_h, count_h = dut.data, dut.count
    for data in range(1 << 16):
        data_h.value = data
        await Timer(1, unit="ns")
        exp = bin(data).count("1")
        got = int(count_h.value)
        assert got == exp, f"data=0x{data:04x}: expected count={exp} got count={got}"
