import cocotb
from cocotb.triggers import Timer

# lit segments per digit, as letters a..g
LIT = {
    0: "abcdef",
    1: "bc",
    2: "abdeg",
    3: "abcdg",
    4: "bcfg",
    5: "acdfg",
    6: "acdefg",
    7: "abc",
    8: "abcdefg",
    9: "abcdfg",
}


def model(bcd):
    lit = LIT.get(bcd, "")
    seg = 0x7F
    for ch in lit:
        seg &= ~(1 << "abcdefg".index(ch))
    return seg


@cocotb.test()
async def exhaustive(dut):
    seq = list(range(16)) + list(reversed(range(16))) + [v for k in range(16) for v in (k, 15 - k)]
    for bcd in seq:
        dut.bcd.value = bcd
        await Timer(1, unit="ns")
        exp = model(bcd)
        got = int(dut.seg.value)
        assert got == exp, f"bcd={bcd}: expected seg={exp:07b} got seg={got:07b} (bit6=g .. bit0=a, 0=lit)"
