import cocotb
from cocotb.triggers import Timer


@cocotb.test()
async def exhaustive(dut):
    for a in (0, 1):
        for b in (0, 1):
            dut.a.value = a
            dut.b.value = b
            await Timer(1, unit="ns")
            assert int(dut.y.value) == (a & b), f"a={a} b={b} y={dut.y.value}"
