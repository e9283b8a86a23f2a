"""The prompt's rule on system tasks says what the integrity allowlist enforces: each task it
names as allowed is on the list, each it forbids is not (an honest-answer tester lost a parameter
guard written with $fatal to a rule line that only named $finish)."""
from __future__ import annotations

import re

from benchmarks.verilog_hard import _RULES
from harness.families.verilog.integrity import ALLOWED_SYSTEM
from harness.families.verilog.prompt import NO_TESTBENCH_RULE, spec_prompt


def test_named_tasks_agree_with_the_allowlist() -> None:
    allowed_part, forbidden_part = NO_TESTBENCH_RULE.split(": no ")
    allowed = re.findall(r"\$\w+", allowed_part)
    forbidden = re.findall(r"\$\w+", forbidden_part)
    assert len(allowed) >= 6 and len(forbidden) >= 4
    assert all(t in ALLOWED_SYSTEM for t in allowed), allowed
    assert not any(t in ALLOWED_SYSTEM for t in forbidden), forbidden
    assert "$fatal" in forbidden


def test_both_verilog_prompts_carry_the_rule() -> None:
    assert NO_TESTBENCH_RULE in spec_prompt("x") and NO_TESTBENCH_RULE in _RULES
