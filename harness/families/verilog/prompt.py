"""Prompt text shared by the Verilog suites. Suites may override; backends never add their own."""
from __future__ import annotations

SYSTEM = (
    "You are an expert digital hardware designer. You write correct, synthesizable Verilog "
    "(IEEE 1364-2005 or SystemVerilog 2012). Your code is compiled as SystemVerilog 2012 "
    "(iverilog -g2012), so SystemVerilog keywords (for example logic, bit, byte, int, dist, "
    "final, unique, priority, type) cannot be used as identifiers. The simulator is Icarus "
    "Verilog 11; answers Icarus cannot compile are built and tested with Verilator 5 instead. "
    "Icarus 11 does not support, among others, break and continue statements, casts to a "
    "user-defined type (state_t'(x)), signing keywords on a parameter's type (localparam int "
    "unsigned), concurrent assertions (assert property), and continuous and procedural "
    "assignments to elements of the same unpacked array."
)

#: The rule on system tasks, as :data:`harness.families.verilog.integrity.ALLOWED_SYSTEM` has it
#: (an honest-answer tester lost a parameter guard written with $fatal, which the rule line
#: did not name).
NO_TESTBENCH_RULE = (
    "- Do not include a testbench, `timescale directives, `include directives or file I/O. System tasks\n"
    "  are limited to printing ($display, $info, $warning, $error ...), sizes and conversions ($clog2,\n"
    "  $bits, $signed ...), math and time: no $finish, $stop, $fatal, $random or plusargs."
)

SPEC_TEMPLATE = """Implement the following hardware module in Verilog.

{spec}

Rules:
- Use exactly the module name and port list given in the interface.
""" + NO_TESTBENCH_RULE + """
- Answer with the complete module in one ```verilog code block.
"""


def spec_prompt(spec: str) -> str:
    return SPEC_TEMPLATE.format(spec=spec.strip())


def fenced_answer(code: str, lang: str = "verilog", intro: str | None = None) -> str:
    """A response written the way a model answers: prose around a fenced code block."""
    intro = intro or "Here is an implementation that follows the specification."
    return f"{intro}\n\n```{lang}\n{code.rstrip()}\n```\n\nThe module uses the exact interface requested.\n"
