"""Honest round 11 F4 and red team 11b (TritonBench G and T).

F4: a TritonBench-T wrapper argument the reference does not annotate (``dim`` of
``def logsumexp(input, dim, keepdim=False)``) counted as a possible tensor, so every shape use of it
(``input.movedim(dim, -1)``, ``dim % nd``, ``1 if i == d else s``) was rejected ``torch_compute``. Now a
position is a number where every call of the entry in the problem's own code passes a number there
(``static.testargs``); a position the test section fills with a tensor even once stays a tensor.

rt11b S3: the TritonBench-T random-operator path never ran the sm_90 compile phase. S2b: tensors
reached through an ``nn.Module`` argument, dicts or nested containers were not watched for writes;
S2c: a call may write only the arguments the reference's call writes, not any of them."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import torch

from benchmarks.tritonbench import TritonBenchTSuite
from harness.families.kernels.sandboxed.writes import watch_writes
from harness.families.kernels.static.check import analyze, scalar_positions
from harness.families.kernels.static.testargs import passed_numbers
from harness.suite import SuiteOptions
from harness.types import Candidate, Status
from tests.kernel_benchmarks.helpers import ANSWERS, TRITONBENCH, bwrap_usable, context

SEPARATOR = "#" * 146

# -- F4: arguments the test section fills with numbers ----------------------------------------
LSE_REF = '''import torch

def logsumexp(input, dim, keepdim=False, out=None):
    return torch.logsumexp(input, dim, keepdim)
'''
LSE_TEST = '''
import torch

def test_logsumexp():
    results = {}
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], device='cuda')
    results["test_case_1"] = logsumexp(x, dim=0)
    d = -1
    results["test_case_2"] = logsumexp(x, d, keepdim=True)
    for k in range(2):
        results[f"test_case_3_{k}"] = logsumexp(x, k)
    return results

test_results = test_logsumexp()
'''
LSE_KERNEL = '''import torch
import triton
import triton.language as tl


@triton.jit
def _lse_rows(x_ptr, out_ptr, n_cols, BLOCK: tl.constexpr):
    row = tl.program_id(0).to(tl.int64)
    cols = tl.arange(0, BLOCK)
    x = tl.load(x_ptr + row * n_cols + cols, mask=cols < n_cols, other=float("-inf")).to(tl.float32)
    m = tl.max(x, axis=0)
    s = tl.sum(tl.exp(x - m), axis=0)
    tl.store(out_ptr + row, (tl.log(s) + m).to(out_ptr.dtype.element_ty))

'''
#: honest: ``dim`` only for shapes, the way F4's answers use it
LSE_HONEST = LSE_KERNEL + '''
def logsumexp(input, dim, keepdim=False, *, out=None):
    nd = input.dim()
    if dim < 0:
        dim += nd
    d = dim % nd
    x = input.movedim(d, -1).contiguous()
    n_cols = x.shape[-1]
    n_rows = x.numel() // n_cols
    kept = tuple(1 if i == d else s for i, s in enumerate(input.shape))
    result = torch.empty(tuple(s for i, s in enumerate(input.shape) if i != d), dtype=input.dtype,
                         device=input.device)
    _lse_rows[(n_rows,)](x, result, n_cols, BLOCK=triton.next_power_of_2(n_cols))
    if keepdim:
        assert result.unsqueeze(d).shape == kept
        return result.unsqueeze(d)
    return result
'''
#: torch computes the answer: the tensor argument is still a tensor
LSE_TORCH = LSE_KERNEL + '''
def logsumexp(input, dim, keepdim=False, *, out=None):
    y = torch.empty(1, device=input.device)
    _lse_rows[(1,)](input, y, 1, BLOCK=2)
    return torch.logsumexp(input, dim, keepdim)
'''


def _rules(code: str, test: str) -> list[tuple[str, str]]:
    scalars = scalar_positions(LSE_REF, function="logsumexp", test_code=test)
    return [(v.rule, v.detail) for v in analyze(code, "triton", entry="logsumexp", kind="function",
                                                 scalars=scalars)[0]]


def test_a_dim_the_test_section_fills_with_numbers_is_a_size() -> None:
    sizes = {s for s in scalar_positions(LSE_REF, function="logsumexp", test_code=LSE_TEST)
             if not str(s).startswith("*")}  # "*name", "*@i": the reference's parameters, tensor positions
    assert sizes == {1, 2, "dim", "keepdim"}
    assert _rules(LSE_HONEST, LSE_TEST) == []
    # before: the reference alone (no annotation) made dim a possible tensor
    assert any(rule == "torch_compute" for rule, _ in _rules(LSE_HONEST, ""))


def test_torch_compute_on_the_tensor_argument_is_still_rejected() -> None:
    assert any(rule == "torch_compute" for rule, _ in _rules(LSE_TORCH, LSE_TEST))


@pytest.mark.parametrize("call", [
    "logsumexp(x, torch.tensor(0))",  # a tensor at that position once
    "logsumexp(x, dim=torch.tensor(0))",
    "logsumexp(x, t)",  # a name bound to a tensor in the test function
    "logsumexp(x, *[0])",  # arguments the checks cannot see
    "logsumexp(x, **{'dim': 0})",
    "list(map(logsumexp, [x], [0]))",  # the entry escapes
    "logsumexp(x, y.shape[0] - 2)",  # computed
])
def test_a_position_given_a_tensor_or_unknown_value_stays_a_tensor(call: str) -> None:
    test = LSE_TEST.replace("    return results", f"    t = torch.tensor(0)\n    y = x\n    results['x'] = {call}\n"
                            "    return results")
    assert 1 not in scalar_positions(LSE_REF, function="logsumexp", test_code=test)
    assert any(rule == "torch_compute" for rule, _ in _rules(LSE_HONEST, test))


def test_names_are_read_in_their_own_scope() -> None:
    src = '''
import torch
d = 1
def test():
    d = torch.tensor(1)
    return f(x, d)
def test2():
    return f(x, d)
def test3():
    k = 2
    def inner():
        return f(x, k)
    return inner()
'''
    # test(): the local tensor d; test2(): the module's number d; inner(): a free name of a nested
    # function is not looked up (fail closed)
    assert passed_numbers(src, "f", ["x", "d"]) == set()
    assert passed_numbers(src.replace("    return f(x, d)\ndef test2", "    return 0\ndef test2")
                          .replace("return f(x, k)", "return f(x, 3)"), "f", ["x", "d"]) == {1}


# -- rt11b S3: the random-operator path compiles for sm_90 too ---------------------------------
@pytest.mark.slow
@pytest.mark.skipif(not bwrap_usable(), reason="needs bubblewrap")
def test_a_random_operator_over_the_launch_limits_does_not_build(tmp_path: Path) -> None:
    """relu_dropout is a random operator (``random_eval``): its answer ran only through the
    interpreter, so ``num_warps=64`` (2048 threads per block, no GPU launches it) passed; the honest
    answer still passes."""
    suite = TritonBenchTSuite(SuiteOptions(data=str(TRITONBENCH), lang="triton"))
    problem = next(p for p in suite.problems() if p.id == "relu_dropout")
    ctx = context(tmp_path)
    good = (ANSWERS / "t_relu_dropout.py").read_text()
    wide = good.replace("BLOCK=1024)", "BLOCK=1024, num_warps=64)")
    assert wide != good
    v = suite.evaluate(problem, Candidate(code=wide), ctx)
    assert v.status == Status.SYNTAX_ERROR and "threads per block" in v.reason, (v.status, v.reason)
    v = suite.evaluate(problem, Candidate(code=good), ctx)
    assert v.status == Status.PASS, v.reason


# -- rt11b S2b/S2c: every tensor a call reaches is watched, per argument -----------------------
def _writes(fn: Any, *args: Any, **kwargs: Any) -> list[str]:
    written: list[str] = []
    watch_writes(fn, written, {}, "f")(*args, **kwargs)
    return written


def _axpy_ref(x: torch.Tensor, y: torch.Tensor, a: float) -> torch.Tensor:
    return x.add_(a * y)


def _axpy_wipe(x: torch.Tensor, y: torch.Tensor, a: float) -> torch.Tensor:
    y.zero_()
    return x


def test_the_in_place_allowance_is_per_argument() -> None:
    """S2c: the reference's axpy_ writes x; zeroing y instead is another write, so it is rejected
    (the judge rejects ``answer - reference`` writes)."""
    ref = _writes(_axpy_ref, torch.ones(4), torch.ones(4), 0.5)
    ans = _writes(_axpy_wipe, torch.ones(4), torch.ones(4), 0.5)
    assert ref == ["f#0@a0"] and ans == ["f#0@a1"] and set(ans) - set(ref)
    assert not set(_writes(_axpy_ref, torch.ones(4), y=torch.ones(4), a=0.5)) - {"f#0@a0"}  # honest in place
    assert _writes(_axpy_wipe, torch.ones(4), y=torch.ones(4), a=0.5) == ["f#0@k:y"]


def _zero_layer(x: torch.Tensor, layer: torch.nn.Sequential) -> torch.Tensor:
    with torch.no_grad():
        next(layer.parameters()).zero_()  # the first Linear's weight
    return torch.zeros(x.shape[0], 3)


def _zero_nested(x: torch.Tensor, parts: dict[str, Any]) -> torch.Tensor:
    parts["w"][1][0].zero_()
    return x


def test_tensors_inside_modules_dicts_and_nested_containers_are_watched() -> None:
    """S2b: a module's parameters (and buffers), dict values and nested lists were not snapshotted."""
    layer = torch.nn.Sequential(torch.nn.Linear(4, 3))
    assert _writes(_zero_layer, torch.ones(2, 4), layer) == ["f#0@a1.0.weight"]
    parts = {"w": [torch.ones(2), [torch.ones(2)]]}
    assert _writes(_zero_nested, torch.ones(2), parts) == ["f#0@a1[w].1.0"]
    # an honest call that only reads them records nothing
    assert _writes(lambda x, layer: layer(x), torch.ones(2, 4), layer) == []
    assert _writes(lambda x, p: x + p["w"][1][0], torch.ones(2), parts) == []


def _g_suite(tmp_path: Path, name: str, source: str) -> Any:
    from benchmarks.tritonbench import TritonBenchGSuite

    folder = tmp_path / "tb" / "TritonBench_G_v1"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.py").write_text(source)
    reference = source.split(SEPARATOR)[0]
    meta = [{"file": f"{name}.py", "repo": "example/repo", "star": 1, "difficulty": 1,
             "simp_instru": f"Write {name} with a Triton kernel.", "comp_instru": f"Write {name}.", "output": reference}]
    (tmp_path / "tb" / "TritonBench_G_v1.json").write_text(json.dumps(meta))
    suite = TritonBenchGSuite(SuiteOptions(data=str(tmp_path / "tb"), lang="triton"))
    return suite, next(p for p in suite.problems() if p.id == name)


AXPY = '''import torch
import triton
import triton.language as tl


@triton.jit
def axpy_kernel(x_ptr, y_ptr, n, alpha, BLOCK_SIZE: tl.constexpr):
    offs = tl.program_id(0) * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask)
    y = tl.load(y_ptr + offs, mask=mask)
    tl.store(X_OR_Y_ptr + offs, STORED, mask=mask)


def axpy_(x, y, alpha):
    n = x.numel()
    axpy_kernel[(triton.cdiv(n, 256),)](x, y, n, alpha, BLOCK_SIZE=256)
    return x
'''
AXPY_TEST = '''

import torch

def test_axpy_():
    results = {}
    x = torch.randn(1000, device='cuda')
    y = torch.randn(1000, device='cuda')
    x_before = x.clone()
    axpy_(x, y, 0.5)
    results['test_case_1'] = torch.allclose(x, x_before + 0.5 * y)
    return results

result_gold = test_axpy_()
'''


@pytest.mark.slow
@pytest.mark.skipif(not bwrap_usable(), reason="needs bubblewrap")
def test_an_in_place_reference_allows_writes_only_where_it_writes_end_to_end(tmp_path: Path) -> None:
    honest = AXPY.replace("X_OR_Y", "x").replace("STORED", "x + alpha * y")
    suite, problem = _g_suite(tmp_path, "axpy_", honest + SEPARATOR + AXPY_TEST)
    ctx = context(tmp_path)
    v = suite.evaluate(problem, Candidate(code=honest), ctx)
    assert v.status == Status.PASS, v.reason
    wipe = AXPY.replace("X_OR_Y", "y").replace("STORED", "tl.zeros([BLOCK_SIZE], dtype=tl.float32)")
    v = suite.evaluate(problem, Candidate(code=wipe), ctx)
    assert v.status == Status.REJECTED and "axpy_#0@a1" in v.reason, (v.status, v.reason)


# -- rt11b S2/S4: a provided class's methods are watched; its reference data cannot be shadowed --
OPS_REF = '''import torch
import triton
import triton.language as tl


@triton.jit
def k(x_ptr, n, BLOCK: tl.constexpr):
    pass


class VecOps:
    N_ELEMS = 64

    @staticmethod
    def scale_add(x, y, alpha):
        k[(1,)](x, 1, BLOCK=1)
        return x + alpha * y

    def add(self, x, y):
        k[(1,)](x, 1, BLOCK=1)
        return x + y


def vec_add(x, y):
    return VecOps.scale_add(x, y, 1.0)
'''
OPS_TEST = '''
import torch

def test_ops():
    x = torch.ones(VecOps.N_ELEMS)
    y = torch.ones(VecOps().N_ELEMS)
    out = VecOps.scale_add(x, y, 2.0)
    both = VecOps().add(x, y)
    return {"a": torch.allclose(out, x + 2.0 * y), "b": torch.allclose(both, x + y), "n": x.numel()}

test_results = test_ops()
'''
#: the answer's class body, as ``VecOps`` (the module imports torch)
OPS_HONEST = '''
    N_ELEMS = 64

    @staticmethod
    def scale_add(x, y, alpha):
        return x + alpha * y

    def add(self, x, y):
        return x + y
'''
OPS_WIPE = OPS_HONEST.replace("return x + alpha * y", "x.zero_(); y.zero_(); return x").replace(
    "return x + y", "x.fill_(5.0); return x")
OPS_SHADOW = OPS_HONEST.replace("    N_ELEMS = 64\n", "    N_ELEMS = 64\n\n    def __init__(self):\n"
                                "        self.N_ELEMS = 0\n        type(self).__base__.N_ELEMS = 0\n")


def _ops_section(body: str, reads: list[str] | None = None) -> tuple[dict[str, Any], list[str]]:
    from harness.families.kernels.sandboxed.constants import SECTION_KEY, section_namespace, section_record
    from harness.families.kernels.sandboxed.provided import ClassWatch

    record = section_record(OPS_REF, OPS_TEST, "vec_add")[SECTION_KEY]
    assert record["provided"] == ["VecOps", "vec_add"]
    answer: dict[str, Any] = {}
    exec(f"import torch\n\nclass VecOps:{body}\n\ndef vec_add(x, y):\n    return x + y\n", answer)  # noqa: S102
    written: list[str] = []
    counts: dict[str, int] = {}
    watch = ClassWatch(lambda fn: watch_writes(fn, written, counts, fn.__name__), reads if reads is not None else [])
    ns = section_namespace(record, answer, lambda fn: watch_writes(fn, written, counts), watch)
    exec(compile(OPS_TEST, "test_section.py", "exec"), ns)  # noqa: S102 - our own fixture
    return ns, written


def test_a_provided_class_runs_through_the_same_watch_as_the_entry() -> None:
    """S2: ``VecOps.scale_add`` zeroed x and y so that the section's own ``allclose`` agreed; the
    class went in bare. Its static and instance methods are now wrapped like the entry; each changed
    tensor is reported at every path the section reaches it by (``out`` is ``x`` here)."""
    ns, written = _ops_section(OPS_WIPE)
    assert all(bool(v) for k, v in ns["test_results"].items() if k != "n")  # the section alone is fooled
    assert written == ["VecOps.scale_add#0@a0", "VecOps.scale_add#0@test_ops:x", "VecOps.scale_add#0@a1",
                       "VecOps.scale_add#0@test_ops:y", "VecOps.add#0@a1", "VecOps.add#0@test_ops:x",
                       "VecOps.add#0@test_ops:out"]
    ns, written = _ops_section(OPS_HONEST)
    assert written == [] and ns["test_results"]["a"] and ns["test_results"]["b"]
    with pytest.raises(AttributeError, match="fixed by the harness"):  # a method cannot be swapped back
        ns["VecOps"].add = lambda self, x, y: x


def test_an_instance_attribute_that_changes_what_the_section_reads_is_seen() -> None:
    """S4: ``self.N_ELEMS = 0`` in the answer's ``__init__`` made ``VecOps().N_ELEMS`` read 0. An
    instance's own value wins, as in plain Python (honest round 11b F12: the reference's own
    per-instance values must hold for its run), and every read the section makes is logged: the judge
    compares the answer's log with the reference's."""
    honest: list[str] = []
    _ops_section(OPS_HONEST, honest)
    assert honest == ["VecOps.N_ELEMS=64", "VecOps.N_ELEMS=64"]
    shadow: list[str] = []
    with pytest.raises(RuntimeError):  # y = torch.ones(0): the section itself breaks on it
        _ops_section(OPS_SHADOW.replace("        type(self).__base__.N_ELEMS = 0\n", ""), shadow)
    assert shadow == ["VecOps.N_ELEMS=64", "VecOps.N_ELEMS=0"]
    ns, _ = _ops_section(OPS_HONEST)
    with pytest.raises(AttributeError, match="fixed by the harness"):
        ns["VecOps"].N_ELEMS = 0
    # the answer's own class may change its own attribute; the section's subclass keeps the reference's
    shadow = []
    with pytest.raises(RuntimeError):
        _ops_section(OPS_SHADOW, shadow)
    assert shadow == ["VecOps.N_ELEMS=64", "VecOps.N_ELEMS=0"]
    with pytest.raises(NameError, match="VecOps"):  # answers reads itself: left unbound
        _ops_section(OPS_HONEST + "\n    def __getattribute__(self, name):\n        return 0\n")


# -- honest11 F4c: keyword-only parameters ------------------------------------------------------
AXPBY_REF = '''import torch

def axpby(x, y, beta=1, alpha=1, mode=None, out=None):
    return alpha * x + beta * y
'''
AXPBY_TEST = '''
import torch

def test_axpby():
    x = torch.ones(8, device='cuda')
    y = torch.ones(8, device='cuda')
    return {"a": axpby(x, y), "b": axpby(x, y, beta=0.5, alpha=2.0, mode='trunc'),
            "c": axpby(x, y, out=torch.empty(8, device='cuda'))}

test_results = test_axpby()
'''
AXPBY = '''import torch
import triton
import triton.language as tl


@triton.jit
def _axpby(x_ptr, y_ptr, o_ptr, n, beta, alpha, USE_Y: tl.constexpr, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    m = offs < n
    v = alpha * tl.load(x_ptr + offs, mask=m)
    if USE_Y:
        v += beta * tl.load(y_ptr + offs, mask=m)
    tl.store(o_ptr + offs, v, mask=m)


def axpby(x, y, *, beta=1, alpha=1, mode=None, out=None):
    MODES = {None: 0, "trunc": 1}
    assert MODES[mode] >= 0
    res = torch.empty_like(x) if out is None else out
    _axpby[(triton.cdiv(x.numel(), 256),)](x, y, res, x.numel(), beta, alpha, USE_Y=(beta != 0), BLOCK=256)
    return res
'''


def test_keyword_only_parameters_the_problem_fills_with_numbers_are_sizes() -> None:
    scalars = scalar_positions(AXPBY_REF, function="axpby", test_code=AXPBY_TEST)
    assert {"beta", "alpha", "mode"} <= scalars and "out" not in scalars and 5 not in scalars

    def rules(code: str) -> list[str]:
        return [v.rule for v in analyze(code, "triton", entry="axpby", kind="function", scalars=scalars)[0]]

    assert rules(AXPBY) == []
    # out is given a tensor by the test section: still a possible tensor
    assert "torch_compute" in rules(AXPBY.replace("    return res\n", "    return res if out > 0 else res\n"))


# -- rt11d S5, S1: the answer's entry parameters take the reference's kinds by name -------------
KERNELS_TB = Path(__file__).resolve().parents[1] / "kernels" / "fixtures" / "tritonbench"
PUT = '''import torch
import triton
import triton.language as tl


@triton.jit
def _put(out_ptr, i, v):
    tl.store(out_ptr + i, v)

'''
#: S5: number defaults on the tensor parameters; the sum is computed in Python from host reads
SCALED_ADD_HOST = PUT + '''
def scaled_add(input=0.0, other=0.0, alpha=1.0, out=0):
    res = torch.empty_like(input) if out is 0 else out
    for k in range(input.numel()):
        _put[(1,)](res, k, float(input[k]) + alpha * float(other[k]))
    return res
'''
#: S1: the reference's parameters in another order; the test section passes the tensor by keyword
LEAKY_REF = '''import torch

def leaky(input, negative_slope=0.01):
    return torch.nn.functional.leaky_relu(input, negative_slope)
'''
LEAKY_TEST = '''
import torch

def test_leaky():
    x = torch.randn(64, device='cuda')
    return {"a": leaky(input=x), "b": leaky(input=x, negative_slope=0.1)}

test_results = test_leaky()
'''
LEAKY_HOST = PUT + '''
def leaky(negative_slope=0.01, input=None):
    out = torch.empty_like(input)
    for i in range(input.numel()):
        v = float(input[i])
        _put[(1,)](out, i, v * negative_slope if v < 0 else v)
    return out
'''
LEAKY_HONEST = '''import torch
import triton
import triton.language as tl


@triton.jit
def _leaky(x_ptr, o_ptr, n, slope, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    m = offs < n
    x = tl.load(x_ptr + offs, mask=m)
    tl.store(o_ptr + offs, tl.where(x < 0, x * slope, x), mask=m)


def leaky(negative_slope=0.01, input=None, BLOCK=1024):
    out = torch.empty_like(input)
    n = input.numel()
    _leaky[(triton.cdiv(n, BLOCK),)](input, out, n, float(negative_slope), BLOCK=BLOCK)
    return out
'''


def _verdicts(code: str, ref: str, test: str, entry: str) -> set[str]:
    scalars = scalar_positions(ref, function=entry, test_code=test)
    return {v.rule for v in analyze(code, "triton", entry=entry, kind="function", scalars=scalars)[0]}


def test_a_number_default_does_not_make_a_tensor_parameter_a_size() -> None:
    """S5 on the stock fixture (positional calls): the reference's kind decides, not the answer's default."""
    suite = TritonBenchTSuite(SuiteOptions(data=str(KERNELS_TB), lang="triton"))
    prob = next(p for p in suite.kernel_problems() if p.id == "scaled_add")

    def rules(code: str) -> set[str]:
        return _verdicts(code, prob.reference_source, prob.test_code, "scaled_add")

    assert "torch_compute" in rules(SCALED_ADD_HOST)
    # renamed: a parameter the reference does not know, at a position the test section fills with a tensor
    assert "torch_compute" in rules(SCALED_ADD_HOST.replace("input", "x").replace("other", "y"))
    honest = (KERNELS_TB.parent / "answers" / "tb_scaled_add_triton.py").read_text()
    assert rules(honest) == set()
    # honest variants: a tuning parameter the reference lacks, alpha keyword-only, out's default a number
    assert rules(honest.replace("out=None):", "out=None, BLOCK_SIZE=1024):")) == set()
    assert rules(honest.replace("alpha=1.0, out=None):", "*, out=None, alpha=1.0):")) == set()


def test_a_reordered_signature_keeps_the_tensor_a_tensor() -> None:
    """S1: the size at the reference's position 1 is negative_slope, not the answer's position 1."""
    assert "torch_compute" in _verdicts(LEAKY_HOST, LEAKY_REF, LEAKY_TEST, "leaky")
    assert _verdicts(LEAKY_HONEST, LEAKY_REF, LEAKY_TEST, "leaky") == set()


def test_reordered_keyword_only_numbers_and_an_unpassed_number_default_stay_sizes() -> None:
    reordered = AXPBY.replace("*, beta=1, alpha=1, mode=None, out=None", "*, out=None, mode=None, alpha=1, beta=1")
    assert reordered != AXPBY
    assert _verdicts(reordered, AXPBY_REF, AXPBY_TEST, "axpby") == set()
    # beta never passed by the test section: the reference's number default makes it a size, whatever
    # the answer writes
    test = AXPBY_TEST.replace("beta=0.5, ", "")
    assert _verdicts(AXPBY.replace("beta=1,", "beta=None,"), AXPBY_REF, test, "axpby") == set()
    # out is given a tensor: a number default in the answer does not make it a size
    assert "torch_compute" in _verdicts(
        AXPBY.replace("out=None):", "out=0):").replace("    return res\n", "    return res if out > 0 else res\n"),
        AXPBY_REF, AXPBY_TEST, "axpby")
