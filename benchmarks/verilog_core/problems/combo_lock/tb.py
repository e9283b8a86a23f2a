import os
import random

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import FallingEdge, RisingEdge, Timer


def _rd(handle):
    """Integer value of a signal, or its string form when it holds X/Z."""
    try:
        return int(handle.value)
    except ValueError:
        return str(handle.value)


def _check(dut, model, inp, outputs, cyc, note=""):
    exp = model.outputs(inp)
    if exp is None:  # model state not yet defined (before the first reset)
        return
    got = {name: _rd(getattr(dut, name)) for name in outputs}
    bad = [n for n in outputs if exp[n] is not None and got[n] != exp[n]]
    if bad:
        raise AssertionError(
            f"cycle {cyc}{note}: inputs {inp}: mismatch on {', '.join(bad)}; "
            f"expected {{{', '.join(f'{n}={exp[n]}' for n in outputs)}}} "
            f"got {{{', '.join(f'{n}={got[n]}' for n in outputs)}}}")


async def run_checked(dut, model, stimulus, outputs, init, reset=None, reset_active=1):
    """Apply each input dict of `stimulus` just after a falling edge, check every
    output against the model 1 ns later, then advance the model at the rising edge.
    `stimulus` may be a generator that looks at `model` to choose its inputs.
    An input dict with "_arst_pulse": True additionally pulses the asynchronous
    reset between two clock edges and checks the outputs right after it."""
    for name, val in init.items():
        getattr(dut, name).value = val
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    cyc = 0
    for inp in stimulus:
        await FallingEdge(dut.clk)
        pulse = inp.pop("_arst_pulse", False)
        for name, val in inp.items():
            getattr(dut, name).value = val
        await Timer(1, unit="ns")
        _check(dut, model, inp, outputs, cyc)
        if pulse:
            getattr(dut, reset).value = reset_active
            await Timer(1, unit="ns")
            getattr(dut, reset).value = inp[reset]
            await Timer(1, unit="ns")
            model.reset()
            _check(dut, model, inp, outputs, cyc, " (after async reset pulse)")
        await RisingEdge(dut.clk)
        model.step(inp)
        cyc += 1


CODE = (0x2, 0x7, 0xB, 0x4)


class LockModel:
    def __init__(self):
        self.known = False
        self.reset()
        self.known = False

    def reset(self):
        self.known = True
        self.mode, self.idx, self.match, self.fails, self.timer = "ENTRY", 0, 1, 0, 0

    def outputs(self, inp):
        if not self.known:
            return None
        return {"unlocked": int(self.mode == "OPEN"), "locked_out": int(self.mode == "LOCKOUT"),
                "fails": self.fails}

    def step(self, inp):
        if inp["rst"]:
            self.reset()
            return
        if self.mode == "ENTRY":
            if inp["key_valid"]:
                ok = int(inp["key"] == CODE[self.idx])
                if self.idx < 3:
                    self.idx += 1
                    self.match &= ok
                else:
                    success = self.match and ok
                    self.idx, self.match = 0, 1
                    if success:
                        self.mode, self.fails = "OPEN", 0
                    else:
                        if self.fails == 2:
                            self.mode = "LOCKOUT"
                        self.fails += 1
        elif self.mode == "OPEN":
            if inp["lock"]:
                self.mode = "ENTRY"
        else:
            if self.timer == 7:
                self.mode, self.fails, self.timer = "ENTRY", 0, 0
            else:
                self.timer += 1


def stimulus(rng, model):
    def cyc(rst=0, key_valid=0, key=0, lock=0):
        return {"rst": rst, "key_valid": key_valid, "key": key, "lock": lock}

    def attempt(keys, gap=0):
        for k in keys:
            yield cyc(key_valid=1, key=k)
            for _ in range(gap):
                yield cyc(key=rng.randrange(16), lock=1)

    yield cyc(rst=1, key_valid=1, key=0x2, lock=1)
    yield cyc(rst=1)
    # correct code, keys ignored while open, lock, then correct again with gaps
    yield from attempt(CODE)
    yield from attempt(CODE)
    yield cyc()
    yield cyc(lock=1)
    yield cyc(lock=1)
    yield from attempt(CODE, gap=1)
    yield cyc(lock=1)
    # each digit wrong in turn (one bit flipped), with fails counting
    for pos in range(4):
        keys = list(CODE)
        keys[pos] ^= 1 << pos
        yield from attempt(keys)
        if pos == 1:
            yield from attempt(CODE)  # success clears fails
            yield cyc(lock=1)
    # now fails == 2 ... third wrong attempt in a row -> lockout, keys ignored
    for _ in range(12):
        yield cyc(key_valid=1, key=CODE[0], lock=1)
    yield from attempt(CODE)
    yield cyc(lock=1)
    # correct digits in the wrong order; a correct tail after a wrong head
    yield from attempt((0x7, 0x2, 0xB, 0x4))
    yield from attempt((0x2, 0x2, 0x7, 0xB, 0x4))  # 5 keys: first attempt wrong, then leftover
    yield from attempt((0x2, 0x7, 0xB))
    yield from attempt(CODE)  # completes 2nd attempt (wrong), then 3rd attempt starts
    for _ in range(30):
        yield cyc(key_valid=1, key=rng.randrange(16))
    yield from attempt(CODE)
    # reset in the middle of an attempt, while open and during lockout
    yield from attempt(CODE[:2])
    yield cyc(rst=1, key_valid=1, key=CODE[2])
    yield from attempt(CODE[2:])
    yield from attempt(CODE)
    yield cyc(rst=1)
    for _ in range(3):
        yield from attempt((0, 0, 0, 0))
    yield cyc()
    yield cyc()
    yield cyc(rst=1)
    yield from attempt(CODE)
    yield cyc(lock=1)
    good_attempt = True
    for _ in range(900):
        if model.idx == 0:
            good_attempt = rng.random() < 0.45
        if good_attempt and rng.random() < 0.97:
            key = CODE[model.idx]
        else:
            key = rng.choice((rng.randrange(16), CODE[(model.idx + 1) % 4], CODE[model.idx] ^ 8))
        yield cyc(rst=int(rng.random() < 0.004), key_valid=int(rng.random() < 0.7), key=key,
                  lock=int(rng.random() < 0.15))


@cocotb.test()
async def test_combo_lock(dut):
    rng = random.Random(int(os.environ.get("HWEVAL_TB_SEED", "20261129")))
    model = LockModel()
    await run_checked(dut, model, stimulus(rng, model), ["unlocked", "locked_out", "fails"],
                      init={"rst": 1, "key_valid": 0, "key": 0, "lock": 0})
