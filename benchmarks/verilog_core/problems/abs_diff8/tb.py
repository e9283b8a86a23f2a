import cocotb
from cocotb.triggers import Timer


@cocotb.test()
async def exhaustive(dut):
    a_h, b_h, d_h = dut.a, dut.b, dut.d
    for a in range(256):
        a_h.value = a
        for b in range(256):
            b_h.value = b
            await Timer(1, unit="ns")
            exp = abs(a - b)
            got = int(d_h.value)
            assert got == exp, f"a={a} b={b}: expected d={exp} got d={got}"
