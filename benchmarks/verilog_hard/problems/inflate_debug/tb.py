"""inflate_debug (module deflate_decoder): raw DEFLATE streams (stored and fixed-Huffman blocks) from zlib and from our own
encoder; the output is checked against zlib's decompression, byte by byte, under back-pressure."""
import cocotb
from deflate_bench import run_inflate


@cocotb.test()
async def test_inflate_fixed(dut):  # the name the failing log shows
    await run_inflate(dut)
