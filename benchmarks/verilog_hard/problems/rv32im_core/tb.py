"""rv32im_core: random RV32IM programs; the retire trace and every memory write against a Python ISS."""
import cocotb
from rv32_iss import Bench

from harness.tbkit import start_clock, tb_rng


@cocotb.test()
async def test_rv32im_core(dut):
    rng = tb_rng("rv32im_core")
    start_clock(dut.clk)
    dut.rst.value, dut.mem_gnt.value, dut.mem_rvalid.value, dut.mem_rdata.value = 1, 0, 0, 0
    bench = Bench(dut, rng)
    await bench.program(700, 1.0, (0,))
    await bench.program(900, 0.6, (0, 0, 1, 2, 5))
    await bench.program(700, 0.3, (0, 3, 8))
