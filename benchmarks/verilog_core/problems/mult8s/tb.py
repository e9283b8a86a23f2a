import cocotb
from cocotb.triggers import Timer


def s8(x):
    return x - 256 if x & 0x80 else x


@cocotb.test()
async def exhaustive(dut):
    a_h, b_h, p_h = dut.a, dut.b, dut.p
    for a in range(256):
        a_h.value = a
        sa = s8(a)
        for b in range(256):
            b_h.value = b
            await Timer(1, unit="ns")
            exp = (sa * s8(b)) & 0xFFFF
            got = int(p_h.value)
            assert got == exp, (
                f"a={sa} (0x{a:02x}) b={s8(b)} (0x{b:02x}): expected p=0x{exp:04x} "
                f"({sa * s8(b)}) got p=0x{got:04x}"
            )
