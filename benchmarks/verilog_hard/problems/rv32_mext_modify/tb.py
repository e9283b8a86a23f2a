"""rv32_mext_modify: random RV32IM programs with misaligned loads and stores; the retire trace and every
memory write (split at word boundaries) against a Python ISS."""
import cocotb
from rv32_iss import Bench

from harness.tbkit import start_clock, tb_rng


@cocotb.test()
async def test_rv32im_ma_core(dut):
    rng = tb_rng("rv32_mext_modify")
    start_clock(dut.clk)
    dut.rst.value, dut.mem_gnt.value, dut.mem_rvalid.value, dut.mem_rdata.value = 1, 0, 0, 0
    bench = Bench(dut, rng, misaligned=True)
    await bench.program(700, 1.0, (0,))
    await bench.program(900, 0.6, (0, 0, 1, 2, 5))
    await bench.program(700, 0.3, (0, 3, 8))
