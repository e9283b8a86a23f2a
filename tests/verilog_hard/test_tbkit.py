"""harness.tbkit without a simulator: seeds, failure messages, the scoreboard, bus operations."""
from __future__ import annotations

import pytest

from harness.tbkit import BusOp, Scoreboard, bus_ops, mismatch, tb_rng, tb_seed
from harness.tbkit.cycle import check_outputs, read_masked


def test_seed_comes_from_the_job_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HWEVAL_TB_SEED", "7")
    assert tb_seed() == 7
    first = [tb_rng("x").random() for _ in range(3)]
    assert first == [tb_rng("x").random() for _ in range(3)]
    assert tb_rng("x").random() != tb_rng("y").random()
    monkeypatch.setenv("HWEVAL_TB_SEED", "8")
    assert tb_rng("x").random() != first[0]


def test_mismatch_names_cycle_signal_expected_and_got() -> None:
    text = str(mismatch(12, "rdata", 0x1F, 3, "inputs this cycle: a=1"))
    assert text == "cycle 12: rdata: expected 31 (0x1f) got 3 (inputs this cycle: a=1)"


def test_scoreboard_order_and_drain() -> None:
    board = Scoreboard("m_data")
    board.expect(1)
    board.expect(2)
    board.observe(1, 5)
    with pytest.raises(AssertionError, match="cycle 6: m_data: expected 2 got 9"):
        board.observe(9, 6)
    board.expect(3)
    with pytest.raises(AssertionError, match="1 more transfer"):
        board.drain_check()
    with pytest.raises(AssertionError, match="nothing outstanding"):
        Scoreboard("x").observe(4, 0)


class _Sig:
    def __init__(self, value: object) -> None:
        self.value = value


class _Val:
    def __init__(self, text: str) -> None:
        self.text = text

    def __int__(self) -> int:
        return int(self.text, 2)

    def __str__(self) -> str:
        return self.text


class _Model:
    def outputs(self, inputs: dict[str, int]) -> dict[str, int | None]:
        return {"q": 2, "r": None}

    def step(self, inputs: dict[str, int]) -> None:
        pass


def test_check_outputs_reports_x_values_and_skips_none() -> None:
    class Dut:
        q = _Sig(_Val("1x"))
        r = _Sig(_Val("xx"))

    with pytest.raises(AssertionError, match="cycle 3: q: expected 2 got 1x"):
        check_outputs(Dut(), _Model(), {"a": 1}, ["q", "r"], 3)
    Dut.q = _Sig(_Val("10"))
    check_outputs(Dut(), _Model(), {"a": 1}, ["q", "r"], 3)


class _MaskModel:
    def outputs(self, inputs: dict[str, int]) -> dict[str, object]:
        return {"v": (0b1001_0000, 0b1111_0000)}

    def step(self, inputs: dict[str, int]) -> None:
        pass


def test_masked_expectations_ignore_bits_outside_the_mask() -> None:
    class Dut:
        v = _Sig(_Val("1001xx1z"))

    check_outputs(Dut(), _MaskModel(), {}, ["v"], 0)
    Dut.v = _Sig(_Val("10110000"))
    with pytest.raises(AssertionError, match="cycle 1: v: expected 0x90 under mask 0xf0 got 0xb0"):
        check_outputs(Dut(), _MaskModel(), {}, ["v"], 1)
    Dut.v = _Sig(_Val("1x010000"))
    with pytest.raises(AssertionError, match="got 1x01----"):
        check_outputs(Dut(), _MaskModel(), {}, ["v"], 2)
    assert read_masked(_Sig(_Val("x1x0")), 0b0101) == 0b0100


def test_bus_ops_are_constrained() -> None:
    ops = list(bus_ops(tb_rng("bus"), [0, 4, 8], 200, bad_addrs=[0x40], p_bad=0.2))
    assert len(ops) == 200
    assert all(isinstance(op, BusOp) for op in ops)
    assert {op.addr for op in ops} == {0, 4, 8, 0x40}
    writes = [op for op in ops if op.write]
    assert writes and all(1 <= op.strb <= 0xF and 0 <= op.data < 2**32 for op in writes)
