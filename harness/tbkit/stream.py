"""Transaction-level helpers: an in-order scoreboard, valid/ready drivers and bus operations."""
from __future__ import annotations

import random
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from harness.tbkit.core import mismatch, read


class Scoreboard:
    """In-order comparison of expected and observed transactions on one output."""

    def __init__(self, signal: str) -> None:
        self.signal = signal
        self.pending: deque[Any] = deque()
        self.matched = 0

    def expect(self, item: Any) -> None:
        self.pending.append(item)

    def observe(self, item: Any, cycle: int | str) -> None:
        """Record one observed item; it must equal the oldest expected one."""
        if not self.pending:
            raise mismatch(cycle, self.signal, "no transfer (nothing outstanding)", item)
        want = self.pending.popleft()
        if want != item:
            raise mismatch(cycle, self.signal, want, item, f"transfer #{self.matched}")
        self.matched += 1

    def drain_check(self, cycle: int | str = "end") -> None:
        """Fail when expected items never came out."""
        if self.pending:
            raise mismatch(cycle, self.signal, f"{len(self.pending)} more transfer(s), next {self.pending[0]}",
                           "none")


class StreamSource:
    """Drives ``valid``/``data`` of a valid/ready interface in the domain of ``clk``.

    Items queued with :meth:`send` are presented in order; a word transfers at a rising edge
    where valid and ready are both 1. Between words valid is dropped with probability
    ``idle``. Signals change just after the falling edge.
    """

    def __init__(self, clk: Any, valid: Any, ready: Any, data: Any, rng: random.Random, idle: float = 0.3) -> None:
        self.clk, self.valid, self.ready, self.data = clk, valid, ready, data
        self.rng, self.idle = rng, idle
        self.queue: deque[int] = deque()
        self.sent = 0
        valid.value = 0

    def send(self, word: int) -> None:
        self.queue.append(word)

    async def run(self, cycles: int) -> None:
        from cocotb.triggers import FallingEdge, RisingEdge

        for _ in range(cycles):
            await FallingEdge(self.clk)
            if self.queue and self.rng.random() >= self.idle:
                self.valid.value = 1
                self.data.value = self.queue[0]
            else:
                self.valid.value = 0
            await RisingEdge(self.clk)
            if int(self.valid.value) and read(self.ready) == 1:
                self.queue.popleft()
                self.sent += 1


class StreamSink:
    """Drives ``ready`` with seeded back-pressure and feeds every transfer to a scoreboard."""

    def __init__(self, clk: Any, valid: Any, ready: Any, data: Any, board: Scoreboard, rng: random.Random,
                 stall: float = 0.3) -> None:
        self.clk, self.valid, self.ready, self.data = clk, valid, ready, data
        self.board, self.rng, self.stall = board, rng, stall
        self.cycle = 0
        ready.value = 0

    async def run(self, cycles: int) -> None:
        from cocotb.triggers import FallingEdge, RisingEdge

        for _ in range(cycles):
            await FallingEdge(self.clk)
            self.ready.value = int(self.rng.random() >= self.stall)
            await RisingEdge(self.clk)
            if read(self.valid) == 1 and int(self.ready.value):
                self.board.observe(read(self.data), self.cycle)
            elif read(self.valid) not in (0, 1):
                raise mismatch(self.cycle, getattr(self.valid, "_name", "valid"), "0 or 1", read(self.valid))
            self.cycle += 1


@dataclass(frozen=True)
class BusOp:
    """One register-bus transaction: a read, or a write of ``data`` under byte ``strb``."""

    write: bool
    addr: int
    data: int = 0
    strb: int = 0xF


def bus_ops(rng: random.Random, addrs: list[int], n: int, *, data_bits: int = 32, p_write: float = 0.5,
            bad_addrs: list[int] | None = None, p_bad: float = 0.1) -> Iterator[BusOp]:
    """``n`` constrained-random operations over ``addrs`` (and sometimes ``bad_addrs``), with
    random data and non-zero byte strobes."""
    nbytes = data_bits // 8
    for _ in range(n):
        pool = bad_addrs if bad_addrs and rng.random() < p_bad else addrs
        addr = rng.choice(pool)
        if rng.random() < p_write:
            strb = rng.choice([(1 << nbytes) - 1, rng.randrange(1, 1 << nbytes)])
            yield BusOp(True, addr, rng.getrandbits(data_bits), strb)
        else:
            yield BusOp(False, addr)
