"""Seeds, clocks, resets and signal reads shared by the testbenches (see :mod:`harness.tbkit`)."""
from __future__ import annotations

import os
import random
import zlib
from typing import Any

DEFAULT_SEED = 20261129


def tb_seed() -> int:
    """The stimulus seed the cocotb job passes in ``HWEVAL_TB_SEED``."""
    return int(os.environ.get("HWEVAL_TB_SEED", str(DEFAULT_SEED)))


def tb_rng(salt: str = "") -> random.Random:
    """A random generator from the job's seed; ``salt`` separates independent streams."""
    return random.Random(tb_seed() * 1_000_003 + zlib.crc32(salt.encode()))


class Signals:
    """The DUT seen through attributes that are each looked up once: ``Signals(dut).clk`` is
    ``dut.clk``, kept after the first use (a cocotb lookup costs more than the read or write a
    per-cycle loop makes with it)."""

    def __init__(self, dut: Any) -> None:
        self.__dict__["_dut"] = dut

    def __getattr__(self, name: str) -> Any:
        handle = getattr(self.__dict__["_dut"], name)
        self.__dict__[name] = handle
        return handle


def start_clock(signal: Any, period_ns: float = 10) -> Any:
    """Start a free-running clock on ``signal``; returns its cocotb task."""
    from cocotb.clock import Clock

    return Clock(signal, period_ns, unit="ns").start()


async def reset_pulse(clk: Any, rst: Any, cycles: int = 2, active: int = 1) -> None:
    """Hold ``rst`` at ``active`` for ``cycles`` rising edges of ``clk``, then release it
    just after a falling edge."""
    from cocotb.triggers import FallingEdge, RisingEdge

    rst.value = active
    for _ in range(cycles):
        await RisingEdge(clk)
    await FallingEdge(clk)
    rst.value = 1 - active


def read(handle: Any) -> int | str:
    """The signal's unsigned value, or its string form (e.g. ``"10x1"``) when it holds X/Z."""
    try:
        return int(handle.value)
    except ValueError:
        return str(handle.value)


def read_signed(handle: Any) -> int | str:
    """The signal's two's-complement value, or its string form when it holds X/Z."""
    val = read(handle)
    if isinstance(val, str):
        return val
    width = len(handle)
    return val - (1 << width) if val >> (width - 1) & 1 else val


def _fmt(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and value > 9:
        return f"{value} (0x{value:x})"
    return str(value)


def mismatch(cycle: int | str, signal: str, expected: Any, got: Any, note: str = "") -> AssertionError:
    """The failure every tbkit check raises: it names the cycle, signal, expected and got."""
    extra = f" ({note})" if note else ""
    return AssertionError(f"cycle {cycle}: {signal}: expected {_fmt(expected)} got {_fmt(got)}{extra}")
