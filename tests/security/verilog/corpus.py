"""The Verilog attack and honest-answer corpus: files, targets, and a batch runner.

A corpus file is Verilog with a header::

    // expect: rejected file_io      (or: rejected, fail, not_pass, pass)
    // targets: all                  (or a list: core-and, v2-and, ... or suite/problem)

and placeholders filled per target: ``{{HEADER}}`` (the module line of the target's design),
``{{HEADER_WIRE}}`` (the same with explicit ``wire`` types, for `default_nettype none),
``{{OUT}}`` (its output), ``{{WRONG}}`` (a wrong body: an attack must not pass with it) and
``{{TOP}}``. A target ``suite/problem`` takes the file as it is.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from harness import registry
from harness.execute import judge
from harness.sandbox.local import BubblewrapSandbox
from harness.suite import EvalContext, Suite, SuiteOptions
from harness.types import Completion, Verdict

HERE = Path(__file__).parent
TESTS = HERE.parent.parent
V2 = TESTS / "verilogeval" / "fixtures" / "v2"
V1 = TESTS / "verilogeval" / "fixtures" / "v1"
RTLLM = TESTS / "rtllm" / "fixtures" / "v2"


@dataclass(frozen=True)
class Target:
    suite: str
    data: Path | None
    problem: str
    top: str
    header: str
    header_wire: str
    out: str
    wrong: str


TARGETS = {
    "core-and": Target("verilog-core", None, "and_gate", "and_gate", "module and_gate(input a, input b, output y);",
                       "module and_gate(input wire a, input wire b, output wire y);", "y", "assign y = a | b;"),
    "v2-and": Target("verilogeval-v2-spec", V2, "Prob001_and2", "TopModule",
                     "module TopModule(input a, input b, output out);",
                     "module TopModule(input wire a, input wire b, output wire out);", "out", "assign out = a | b;"),
    "v1-and": Target("verilogeval-v1-human", V1, "and2", "top_module",
                     "module top_module(input a, input b, output out);",
                     "module top_module(input wire a, input wire b, output wire out);", "out", "assign out = a | b;"),
    "rtllm-adder": Target("rtllm", RTLLM, "adder_4bit", "adder_4bit",
                          "module adder_4bit(input [3:0] a, input [3:0] b, input cin, output [3:0] sum, output cout);",
                          "module adder_4bit(input wire [3:0] a, input wire [3:0] b, input wire cin, "
                          "output wire [3:0] sum, output wire cout);", "sum", "assign {cout, sum} = a + b;"),
}
DATA = {t.suite: t.data for t in TARGETS.values()}
_HEADER = re.compile(r"^//\s*(expect|targets):\s*(.+)$", re.MULTILINE)


@dataclass(frozen=True)
class Case:
    name: str  # file stem @ target
    suite: str
    problem: str
    code: str
    expect: str  # rejected | fail | not_pass | pass
    rule: str | None


def cases(folder: Path) -> list[Case]:
    out = []
    for path in sorted(folder.glob("*.v")):
        text = path.read_text()
        head = dict((k, v.strip()) for k, v in _HEADER.findall(text))
        expect, *rule = head["expect"].split()
        names = list(TARGETS) if head["targets"] == "all" else [t.strip() for t in head["targets"].split(",")]
        for name in names:
            if name in TARGETS:
                t = TARGETS[name]
                code = (text.replace("{{HEADER_WIRE}}", t.header_wire).replace("{{HEADER}}", t.header)
                        .replace("{{OUT}}", t.out).replace("{{WRONG}}", t.wrong).replace("{{TOP}}", t.top))
                out.append(Case(f"{path.stem}@{name}", t.suite, t.problem, code, expect, rule[0] if rule else None))
            else:
                suite, problem = name.split("/")
                out.append(Case(f"{path.stem}@{name}", suite, problem, text, expect, rule[0] if rule else None))
    return out


def make_suite(name: str) -> Suite:
    data = DATA.get(name)
    opts = SuiteOptions(data=str(data) if data else None, extra={"synth": "off", "lint": "off"})
    return registry.load("suites", name)(opts)


def run_cases(items: Iterable[Case], ctx: EvalContext | None = None, workers: int = 2) -> dict[str, Verdict]:
    """Every case through extraction and evaluation in the local (bubblewrap) sandbox."""
    items = list(items)
    ctx = ctx or EvalContext(sandbox=BubblewrapSandbox())
    suites = {name: make_suite(name) for name in {c.suite for c in items}}
    problems = {(s, p.id): p for s, suite in suites.items() for p in suite.problems()}

    def one(case: Case) -> Verdict:
        suite = suites[case.suite]
        comp = Completion(case.suite, case.problem, 0, f"My answer:\n\n```verilog\n{case.code}\n```\n")
        return judge(suite, problems[(case.suite, case.problem)], comp, ctx)[1]

    with ThreadPoolExecutor(workers) as pool:
        return dict(zip([c.name for c in items], pool.map(one, items), strict=True))


def describe(v: Verdict) -> str:
    return f"{v.status} rule={v.rule} reason={v.reason[:400]!r}"
