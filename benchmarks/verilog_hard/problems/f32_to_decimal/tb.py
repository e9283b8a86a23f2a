"""f32_to_decimal: binary32 numbers converted to shortest round-trip and fixed-precision decimal
digits, each result checked against an exact integer model (itself checked against numpy and
Python's %e), under random input gaps and output back-pressure, with a reset mid-stream."""
from collections import deque

import cocotb
from cocotb.triggers import FallingEdge, RisingEdge, Timer
from decimal32 import convert, inputs, interval_ends, ties

from harness.tbkit import mismatch, read, start_clock, tb_rng

OUTS = ("out_neg", "out_kind", "out_digits", "out_ndigits", "out_exp")
LIMIT = 5000


class Bench:
    def __init__(self, dut, rng):
        self.dut, self.rng, self.cycle = dut, rng, 0

    async def tick(self):
        await RisingEdge(self.dut.clk)
        await FallingEdge(self.dut.clk)
        self.cycle += 1

    async def reset(self, cycles=2):
        d = self.dut
        d.rst.value, d.in_valid.value, d.out_ready.value = 1, 0, 0
        for _ in range(cycles):
            await self.tick()
        d.rst.value = 0
        await Timer(1, unit="ns")
        if read(d.out_valid) != 0:
            raise mismatch(self.cycle, "out_valid", 0, read(d.out_valid), "right after reset")

    async def run(self, items, p_in, p_out, stop_after=None):
        """Offer items (bits, prec); check every result. stop_after: return (without draining)
        once that many conversions have been accepted and a few cycles have passed."""
        d, rng = self.dut, self.rng
        todo, pending = deque(items), deque()
        held, start, accepted = None, self.cycle, 0
        while todo or pending:
            offer = bool(todo) and rng.random() < p_in
            d.in_valid.value = int(offer)
            bits, prec = todo[0] if todo else (rng.getrandbits(32), rng.randrange(10))
            d.in_bits.value, d.in_prec.value = bits, prec
            d.out_ready.value = ready = int(rng.random() < p_out)
            await Timer(1, unit="ns")
            c = self.cycle
            out_valid, in_ready = read(d.out_valid), read(d.in_ready)
            for name, v in (("out_valid", out_valid), ("in_ready", in_ready)):
                if v not in (0, 1):
                    raise mismatch(c, name, "0 or 1", v)
            got = tuple(read(getattr(d, n)) for n in OUTS) if out_valid else None
            if held is not None and got != held:
                raise mismatch(c, "out_*", held, got, "a result must stay offered until out_ready")
            if out_valid and not pending:
                raise mismatch(c, "out_valid", 0, 1, "no conversion is waiting for its result")
            if pending and not out_valid and c - max(start, pending[0][2]) > LIMIT:
                raise mismatch(c, "out_valid", 1, 0, f"{LIMIT} cycles after the conversion of "
                               f"{pending[0][0]:#010x} (in_prec {pending[0][1]}) was accepted")
            if out_valid and ready:
                b, p, _ = pending.popleft()
                want = convert(b, p)
                if got != want:
                    names = ", ".join(f"{n}={g:#x}/{w:#x}" for n, g, w in zip(OUTS, got, want) if g != w)
                    raise mismatch(c, "out_*", want, got, f"in_bits {b:#010x}, in_prec {p} (got/expected: {names})")
                held, start = None, c + 1
            else:
                held = got
            if offer and in_ready:
                todo.popleft()
                pending.append((bits, prec, c + 1))
                accepted += 1
            if stop_after is not None and accepted >= stop_after and rng.random() < 0.3:
                return
            await self.tick()


@cocotb.test()
async def test_f32_to_decimal(dut):
    rng = tb_rng("f32_to_decimal")
    start_clock(dut.clk)
    bench = Bench(dut, rng)
    await bench.reset()
    examples = [(0x3DCCCCCD, 0), (0x00000001, 0), (0x7F7FFFFF, 0), (0x4B000000, 0), (0x498CD362, 0),
                (0x3F800000, 3), (0x411F5C29, 2), (0x00000000, 0), (0x80000000, 5), (0x7F800000, 4),
                (0xFFC00001, 0), (0x7F7FFFFF, 1), (0x00000001, 9), (0x3F000000, 0), (0x40200000, 1)]
    await bench.run(examples, 1.0, 1.0)
    await bench.run([(b, rng.choice((0, 0, 7, 8))) for b in ties(rng, 20)], 0.8, 0.8)
    await bench.run([(b, 0) for b in interval_ends(rng, 40)], 0.8, 0.8)
    await bench.run(inputs(rng, 500), 1.0, 1.0)
    await bench.run(inputs(rng, 400), 0.5, 0.4)
    await bench.run(inputs(rng, 30), 1.0, 0.3, stop_after=6)   # reset with conversions in flight
    await bench.reset(1)
    await bench.run(inputs(rng, 500), 0.9, 0.9)
