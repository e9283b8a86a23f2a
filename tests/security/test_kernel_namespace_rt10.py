"""Red team 9d S1/S5: the TritonBench test section ran in the answer's module namespace with a
list of the reference's constants and helpers copied over it, so whatever the list missed was the
answer's: a constant read only inside a helper, an int-keyed dict, a class with methods, a lambda,
an imported helper, a module-level tensor. Now the section runs in the reference module's own
namespace (``sandboxed.constants``): the reference's operator source cut down to what the test
needs and launches no kernel, plus only the answer's entry and the launchers the test names.

The fixture is a TritonBench-T problem whose self-checking test (``allclose(scale_rows(x, a),
ref_scale(x, a))``) draws its inputs through each of those forms; each attack pairs a kernel that
writes zeros with an answer-side binding that makes the test's inputs (or its scale) zero, so the
zero kernel agreed with the check in the answer's namespace."""
from __future__ import annotations

import linecache
import types
from pathlib import Path
from typing import Any

import pytest
import torch

from benchmarks.tritonbench import TritonBenchTSuite
from harness.families.kernels.sandboxed.constants import SECTION_KEY, section_namespace, section_record
from harness.families.kernels.sandboxed.hooks import device_remap
from harness.suite import SuiteOptions
from harness.types import Candidate, Status
from tests.kernel_benchmarks.helpers import bwrap_usable, context

SEPARATOR = "#" * 146
REFERENCE = '''import torch
from torch import randn as draw

ROWS = 37
SCALES = {0: 0.5, 1: 3.0}
MASK = torch.ones(64)
noise = lambda rows: draw(rows, 64, device='cuda')


class Case:
    def __init__(self, key):
        self.key = key

    def alpha(self):
        return SCALES[self.key]


def make_input():
    return noise(ROWS) * MASK.to(torch.device('cuda'))


def ref_scale(x, alpha):
    return x * alpha


def scale_rows(x: torch.Tensor, alpha: float) -> torch.Tensor:
    return x * alpha
'''
TEST = '''

import torch


def test_scale_rows():
    results = {}
    for key in (0, 1):
        case = Case(key)
        x = make_input()
        out = scale_rows(x, case.alpha())
        results[f'test_case_{key}'] = torch.allclose(out, ref_scale(x, case.alpha()))
    return results


test_results = test_scale_rows()
'''
KERNEL = '''

@triton.jit
def scale_kernel(x_ptr, out_ptr, alpha, n, BLOCK: tl.constexpr):
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    m = offs < n
    x = tl.load(x_ptr + offs, mask=m)
    tl.store(out_ptr + offs, x * alpha, mask=m)
'''
#: writes zeros; launches at least one program (an empty test still launches)
ZERO = '''import torch
import triton
import triton.language as tl
''' + KERNEL.replace("x * alpha, mask=m", "x * 0.0, mask=m") + '''

def scale_rows(x: torch.Tensor, alpha: float) -> torch.Tensor:
    out = torch.empty_like(x)
    n = out.numel()
    scale_kernel[(max(1, triton.cdiv(n, 1024)),)](x, out, alpha, n, BLOCK=1024)
    return out
'''
#: one binding each, of a name the test reaches only through the reference's helpers or classes
ATTACKS = {
    "constant_read_in_a_helper": "ROWS = 0\n",
    "int_keyed_dict": "SCALES = {0: 0.0, 1: 0.0}\n",
    "class_with_methods": "class Case:\n    def __init__(self, key):\n        self.key = key\n\n"
                          "    def alpha(self):\n        return 0.0\n",
    "lambda": "noise = lambda rows: torch.zeros(37, 64, device='cuda')\n",
    "imported_helper": "from torch import zeros as draw\n",
    "tensor": "MASK = torch.zeros(64)\n",
}
#: its own names: a constant of the reference's name and value, an imported alias, a class and a
#: helper named like the reference's with other meanings
HONEST = '''import torch
import triton
import triton.language as tl
from triton import cdiv as blocks

ROWS = 37
SCALES = {0: 0.5, 1: 3.0}
BLOCK_SIZE = 512


class Case:
    def __init__(self, block):
        self.block = block


def make_input(x):
    return torch.empty_like(x)
''' + KERNEL + '''

def scale_rows(x: torch.Tensor, alpha: float) -> torch.Tensor:
    out = make_input(x)
    n = out.numel()
    scale_kernel[(blocks(n, Case(BLOCK_SIZE).block),)](x, out, alpha, n, BLOCK=BLOCK_SIZE)
    return out
'''


#: the answer's kernel zeroes its input too: the test's own check then compares zeros with zeros
ZERO_IN_PLACE = ZERO.replace("    tl.store(out_ptr + offs, x * 0.0, mask=m)\n",
                             "    tl.store(x_ptr + offs, x * 0.0, mask=m)\n    tl.store(out_ptr + offs, x * 0.0, mask=m)\n")
#: an in-place operator: its reference writes its argument, so may the answer
IN_PLACE = '''import torch


def scale_inplace(x: torch.Tensor, alpha: float) -> torch.Tensor:
    return x.mul_(alpha)
'''
IN_PLACE_TEST = '''

import torch


def test_scale_inplace():
    results = {}
    x = torch.randn(37, 64, device='cuda')
    y = x.clone()
    out = scale_inplace(y, 3.0)
    results['test_case_1'] = torch.allclose(out, x * 3.0)
    results['test_case_2'] = torch.allclose(y, x * 3.0)
    return results


test_results = test_scale_inplace()
'''
IN_PLACE_ANSWER = '''import torch
import triton
import triton.language as tl


@triton.jit
def scale_kernel(x_ptr, alpha, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    m = offs < n
    tl.store(x_ptr + offs, tl.load(x_ptr + offs, mask=m) * alpha, mask=m)


def scale_inplace(x: torch.Tensor, alpha: float) -> torch.Tensor:
    n = x.numel()
    scale_kernel[(triton.cdiv(n, 1024),)](x, alpha, n, BLOCK=1024)
    return x
'''


def attack(name: str) -> str:
    return ZERO.replace("\n\n@triton.jit", "\n" + ATTACKS[name] + "\n\n@triton.jit")


def _module(code: str) -> dict[str, Any]:
    """``code`` executed as a module (its text in :mod:`linecache`, where ``triton.jit`` reads it)."""
    name = f"answer_{abs(hash(code))}.py"
    linecache.cache[name] = (len(code), None, code.splitlines(keepends=True), name)
    mod = types.ModuleType("answer")
    with device_remap("cpu"):  # device='cuda' on this CPU machine, as in the worker
        exec(compile(code, name, "exec"), mod.__dict__)  # noqa: S102 - our own fixture
    return mod.__dict__


def _results(ns: dict[str, Any] | None, record: dict[str, Any] | None = None, provider: Any = None) -> dict[str, Any]:
    """The test section's results in ``ns``, or in the namespace ``record`` builds with ``provider``."""
    torch.manual_seed(0)
    with device_remap("cpu"):
        ns = ns if ns is not None else section_namespace(record or {}, provider)
        exec(compile(TEST, "test_section.py", "exec"), ns)  # noqa: S102 - our own fixture
    return dict(ns["test_results"])


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_each_attack_fooled_the_answers_namespace_and_not_the_references(name: str) -> None:
    """The zero kernel stands in as what it computes (zeros); its kernel runs end to end below."""
    def zeros(x: torch.Tensor, alpha: float) -> torch.Tensor:
        return torch.zeros_like(x)

    answer = {**_module(attack(name)), "scale_rows": zeros}
    reference = _module(REFERENCE)
    old = _module(REFERENCE + attack(name))  # the answer's bindings over the reference's: the gap
    old["scale_rows"] = zeros
    assert all(bool(v) for v in _results(old).values())
    record = section_record(REFERENCE, TEST, "scale_rows")[SECTION_KEY]
    assert record["provided"] == ["scale_rows"]
    assert not all(bool(v) for v in _results(None, record, answer).values())
    # the reference's own function in the same namespace passes its test
    assert all(bool(v) for v in _results(None, record, reference).values())


LAUNCHERS = '''import torch
import triton
import triton.language as tl

TABLE_ROWS = 4


@triton.jit
def k(x_ptr, n, B: tl.constexpr):
    pass


def launch(x):
    k[(1,)](x, x.numel(), B=16)
    return x


def entry(x):
    return launch(x)


def twice(x):
    return entry(entry(x))


alias = entry
TABLE = launch(torch.zeros(TABLE_ROWS))
'''


def test_the_references_launchers_never_reach_the_section() -> None:
    """Launching names the test reads come from the answer or are unbound; a reference helper that
    calls the entry calls the answer's; data made by a launcher is never taken from the answer."""
    test = "r = (twice(x), alias(x), launch(x), TABLE)\n"
    record = section_record(LAUNCHERS, test, "entry")[SECTION_KEY]
    assert record["provided"] == ["TABLE", "alias", "entry", "launch"]
    assert "def twice" in record["source"] and "def k(" not in record["source"]
    assert "def launch" not in record["source"] and "TABLE =" not in record["source"]
    calls: list[str] = []

    def answer_entry(x: Any) -> Any:
        calls.append("entry")
        return x + 1

    answer = {"entry": answer_entry, "alias": answer_entry, "TABLE": torch.ones(4)}
    ns = section_namespace(record, answer, lambda fn: fn)
    assert "k" not in ns and "launch" not in ns and "TABLE" not in ns  # the answer has no launch; data not taken
    assert ns["twice"](torch.zeros(1)).item() == 2 and calls == ["entry", "entry"]
    with pytest.raises(NameError, match="launch"):
        exec(compile(test, "test_section.py", "exec"), {**ns, "x": torch.zeros(1)})  # noqa: S102


def test_a_future_import_stays_first_and_shared_lines_still_cut() -> None:
    source = "from __future__ import annotations\nimport torch\nN = 3; k = triton.jit(f)\ndef entry(x):\n    return x\n"
    record = section_record(source, "r = N\n", "entry")[SECTION_KEY]
    assert record["source"].startswith("from __future__ import annotations")
    assert "triton.jit" not in record["source"] and "N = 3" in record["source"]
    ns = section_namespace(record, {"entry": lambda x: x})
    assert ns["N"] == 3 and "k" not in ns


def _suite(tmp_path: Path) -> TritonBenchTSuite:
    folder = tmp_path / "tb" / "TritonBench_T_v1"
    folder.mkdir(parents=True)
    (folder / "scale_rows.py").write_text(REFERENCE + SEPARATOR + "\n" + TEST)
    (folder / "scale_inplace.py").write_text(IN_PLACE + SEPARATOR + "\n" + IN_PLACE_TEST)
    return TritonBenchTSuite(SuiteOptions(data=str(tmp_path / "tb"), lang="triton"))


@pytest.mark.slow
@pytest.mark.skipif(not bwrap_usable(), reason="needs bubblewrap")
def test_attacks_fail_and_honest_answers_pass_end_to_end(tmp_path: Path) -> None:
    suite = _suite(tmp_path)
    problem = next(p for p in suite.problems() if p.id == "scale_rows")
    ctx = context(tmp_path)  # one reference computation for every answer (its cache)

    def verdict(code: str) -> Any:
        return suite.evaluate(problem, Candidate(code=code), ctx)

    assert suite.evaluate(problem, Candidate(code="(self-check)", meta={"selfcheck": True}), ctx).status == Status.PASS
    honest = verdict(HONEST)
    assert honest.status == Status.PASS, honest.reason
    for name in ATTACKS:
        v = verdict(attack(name))
        assert v.status == Status.FAIL and "got False want True" in v.reason, (name, v.status, v.reason)


def test_the_workers_run_keeps_the_case_seed(tmp_path: Path) -> None:
    """The worker's own code (``run_test_section``): a reference's module-level ``torch.manual_seed(0)``
    runs with the namespace, yet each case's inputs follow the case's seed (fresh per evaluation)."""
    from harness.families.kernels.sandboxed.worker_function import run_test_section

    source = "import torch\nW = torch.randn(3)\ntorch.manual_seed(0)\ndef entry(x):\n    return x\n"
    (tmp_path / "test_section.py").write_text("import torch\nout = {'x': entry(torch.randn(4)), 'w': W}\n")
    job = {"entry": "entry", "test_code": "test_section.py", "result_var": "out",
           "globals": section_record(source, (tmp_path / "test_section.py").read_text(), "entry")}
    answer = types.ModuleType("candidate")
    exec("def entry(x):\n    return x * 1\n", answer.__dict__)  # noqa: S102 - our own fixture
    first, again, other = (run_test_section(tmp_path, job, answer, {"seed": s}, lambda fn: fn) for s in (11, 11, 12))
    assert torch.equal(first["x"], again["x"]) and torch.equal(first["w"], again["w"])
    assert not torch.equal(first["x"], other["x"]) and not torch.equal(first["w"], other["w"])
    with pytest.raises(RuntimeError, match="no reference namespace"):
        run_test_section(tmp_path, {**job, "globals": {}}, answer, {"seed": 1}, lambda fn: fn)


def test_a_call_that_writes_its_arguments_is_seen() -> None:
    from harness.families.kernels.sandboxed.writes import watch_writes

    written: list[str] = []
    counts: dict[str, int] = {}

    def scale_rows(x: torch.Tensor, alpha: float) -> torch.Tensor:
        return x.mul_(alpha) if alpha == 0 else x * alpha

    def zero_first(xs: list[torch.Tensor]) -> torch.Tensor:
        return xs[0].zero_()

    watched = watch_writes(scale_rows, written, counts)
    x = torch.ones(3)
    watched(x, 2.0)
    watched(x, alpha=0.0)  # writes
    watch_writes(zero_first, written, counts)([torch.ones(2)])  # a tensor in a list argument
    watch_writes(lambda t: t, written, counts, "same_nan")(torch.full((2,), float("nan")))  # NaN == NaN
    assert written == ["scale_rows#1@a0", "zero_first#0@a0.0"]  # the call, then the tensor's path (rt11b S2c)
    assert counts == {"scale_rows": 2, "zero_first": 1, "same_nan": 1}


@pytest.mark.slow
@pytest.mark.skipif(not bwrap_usable(), reason="needs bubblewrap")
def test_an_answer_that_zeroes_its_input_is_rejected_and_an_in_place_operator_passes(tmp_path: Path) -> None:
    """Found with this round's fixture: ``allclose(out, ref_scale(x, a))`` reads ``x`` after the
    answer's call, so a kernel writing zeros into ``x`` and ``out`` passed. A call may change its
    tensor arguments only where the reference's call does (``writes.watch_writes``)."""
    suite = _suite(tmp_path)
    problems = {p.id: p for p in suite.problems()}
    ctx = context(tmp_path)
    v = suite.evaluate(problems["scale_rows"], Candidate(code=ZERO_IN_PLACE), ctx)
    assert v.status == Status.REJECTED and "modifies_inputs: call scale_rows#0" in v.reason, v.reason
    honest = suite.evaluate(problems["scale_inplace"], Candidate(code=IN_PLACE_ANSWER), ctx)
    assert honest.status == Status.PASS, honest.reason
