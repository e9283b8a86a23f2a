import cocotb
from cocotb.triggers import Timer


@cocotb.test()
async def exhaustive(dut):
    a_h, b_h, p_h = dut.a, dut.b, dut.p
    for a in range(256):
        a_h.value = a
        for b in range(256):
            b_h.value = b
            await Timer(1, unit="ns")
            exp = a * b
            got = int(p_h.value)
            assert got == exp, f"a={a} b={b}: expected p={exp} (0x{exp:04x}) got p={got} (0x{got:04x})"
