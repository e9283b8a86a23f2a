"""Issue #14 (write watch, known hole): the TritonBench write watch followed an object's attributes
only through its instance dict. A provided class written ``@dataclass(slots=True)`` (the only
``@dataclass`` keyword form the static rules allow that changes storage) keeps its fields in slots,
read through the class's member descriptors (data descriptors, like a ``property``): an instance the
test built inline (``Affine(torch.randn(..), torch.randn(..))``) held the test's tensors where no
snapshot visited them, and a method that zeroed them and returned zeros agreed with the test's own
``x * layer.w + layer.b``. Now the walk reads every slot (``writes.slot_values``), and a provided
class that defines a property or any other data descriptor whose backing storage the watch cannot
know is left unbound (``provided._hidden_state``: the case fails); the static rules reject
properties and descriptor classes in answers anyway."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import torch

from harness.families.kernels.judge import _section_changes
from harness.families.kernels.sandboxed.provided import watched_class
from harness.families.kernels.sandboxed.writes import reachable_tensors, watch_writes
from harness.families.kernels.static.check import analyze
from harness.types import Candidate, Status
from tests.kernel_benchmarks.helpers import bwrap_usable, context
from tests.security.test_kernel_tb_rt11 import SEPARATOR, _g_suite
from tests.security.test_kernel_tb_rt11d import ENTRY, KERNELS

REF = KERNELS + '''

class Affine:
    def __init__(self, w, b):
        self.w = w
        self.b = b

    def affine_fwd(self, x):
        out = torch.empty_like(x)
        n = x.numel()
        affine_kernel[(triton.cdiv(n, 256),)](x, self.w, self.b, out, n, BLOCK_SIZE=256)
        return out
''' + ENTRY
#: the layer's tensors are held only by the layer (built inline); the test reads them back through it
TEST = '''

import torch

def test_affine():
    results = {}
    x = torch.randn(1000, device='cuda')
    results['test_case_1'] = affine(x, torch.ones(1000, device='cuda'), torch.zeros(1000, device='cuda'))
    layer = Affine(torch.randn(1000, device='cuda'), torch.randn(1000, device='cuda'))
    results['test_case_2'] = torch.allclose(layer.affine_fwd(x), x * layer.w + layer.b)
    return results

result_gold = test_affine()
'''
_SLOTS = KERNELS.replace("import torch\n", "import dataclasses\nimport torch\n", 1) + '''

@dataclasses.dataclass(slots=True)
class Affine:
    w: torch.Tensor
    b: torch.Tensor

    def affine_fwd(self, x):
        out = torch.empty_like(x)
        n = x.numel()
        LAUNCH
        return out
''' + ENTRY
#: the attack: the fields live in slots; the method zeroes them (and its output): 0 == x * 0 + 0
SLOTS_WIPE = _SLOTS.replace("LAUNCH", "wipe_kernel[(triton.cdiv(n, 256),)](self.w, self.b, out, n, BLOCK_SIZE=256)")
#: honest: the same slotted class computing x * w + b
SLOTS_HONEST = _SLOTS.replace("LAUNCH", "affine_kernel[(triton.cdiv(n, 256),)](x, self.w, self.b, out, n, "
                              "BLOCK_SIZE=256)")
#: a property over a hidden store: rejected before anything runs
PROPERTY = REF.replace('''    def __init__(self, w, b):
        self.w = w
        self.b = b
''', '''    def __init__(self, w, b):
        self.store = [w, b]

    @property
    def w(self):
        return self.store[0]
''')


@dataclass(slots=True)
class _Slotted:
    w: Any
    pad: int = 0


class _Viewed:
    def __init__(self, w: torch.Tensor) -> None:
        self.hidden = {"w": [w]}

    @property
    def w(self) -> torch.Tensor:
        return self.hidden["w"][0]


def test_the_walk_reads_slots() -> None:
    w = torch.ones(4)
    found = reachable_tensors((_Slotted(w),), {}, [("f:layer", _Slotted(torch.zeros(2)))])
    assert [p for p, t in found if t is w] == ["a0.w"]
    assert "f:layer.w" in {p for p, _ in found}


def test_a_slotted_wipe_is_a_write_at_the_references_path() -> None:
    layer = _Slotted(torch.ones(4))
    written: list[str] = []
    watch_writes(lambda obj: obj.w.zero_(), written, {}, name="Affine.affine_fwd")(layer)
    assert written == ["Affine.affine_fwd#0@a0.w"]
    why = _section_changes({"inputs_written": written}, {"inputs_written": [], "paths_seen": ["a0.w"]})
    assert why is not None and why.startswith("modifies_inputs"), why


def test_a_provided_class_with_a_property_is_left_unbound() -> None:
    assert watched_class(_Viewed, {}, lambda fn: fn) is None
    assert watched_class(_Slotted, {}, lambda fn: fn) is not None


def test_the_static_rules_reject_a_property_and_keep_the_slotted_forms() -> None:
    def rules(code: str) -> set[str]:
        return {v.rule for v in analyze(code, "triton", entry="affine", kind="function")[0]}

    assert "forbidden_decorator" in rules(PROPERTY)
    assert rules(SLOTS_HONEST) == set() and rules(SLOTS_WIPE) == set()  # the run decides


@pytest.mark.slow
@pytest.mark.skipif(not bwrap_usable(), reason="needs bubblewrap")
def test_a_wipe_through_slots_is_rejected_and_an_honest_slotted_class_passes(tmp_path: Path) -> None:
    suite, problem = _g_suite(tmp_path, "affine_slots", REF + SEPARATOR + TEST)
    ctx = context(tmp_path)
    verdicts = {name: suite.evaluate(problem, Candidate(code=code), ctx)
                for name, code in (("ref", REF), ("honest", SLOTS_HONEST), ("wipe", SLOTS_WIPE))}
    assert verdicts["ref"].status == Status.PASS, verdicts["ref"].reason
    assert verdicts["honest"].status == Status.PASS, verdicts["honest"].reason
    v = verdicts["wipe"]
    assert v.status == Status.REJECTED and "modifies_inputs" in v.reason and "Affine.affine_fwd#0@a0.w" in v.reason, \
        v.reason
