"""inflate_full: raw DEFLATE streams with stored, fixed and dynamic Huffman blocks, from zlib (all
levels, window sizes and strategies) and from our own encoder (random canonical codes), plus one
stream per error of the specification; the output is checked byte by byte under back-pressure."""
import cocotb
from inflate_full_bench import run_inflate_full


@cocotb.test()
async def test_inflate_full(dut):
    await run_inflate_full(dut)
