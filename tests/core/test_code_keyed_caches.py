"""Red team 12, R3's siblings: the family caches of facts that harness code computes are keyed on
a digest of that code (:func:`harness.cache.code_digest`), not on a hand-bumped version tag that a
change can forget: HLS guard's reference facts, include initialisation and header externals, the
C-simulation programs and results, the HLS suite's built items, the precompiled ap headers, the
kernels' reference cases, TritonBench's random-operator reference runs; and the audit's mutant
verdicts on the harness's and the suite's code, as the verdict cache. Each test reads the key the
real code computes (its consumer stubbed) under two digests of the code and checks that it changes,
and which code is hashed."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from harness import cache

HLS = Path(cache.__file__).resolve().parent / "families" / "hls"
KERNELS = Path(cache.__file__).resolve().parent / "families" / "kernels"
TB = "#include \"kernel.h\"\nint main() { int x[2] = {1, 2}; return top(x) == 3 ? 0 : 1; }\n"


class Digests:
    """``harness.cache._tree_digest`` replaced: each root's digest is ``state`` + the root; the roots
    asked for are remembered."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.state, self.roots = "A", set[str]()
        monkeypatch.setattr(cache, "_tree_digest", self)

    def __call__(self, root: str) -> str:
        self.roots.add(root)
        return f"{self.state}:{root}"

    def keys(self, key_for: Callable[[], str]) -> tuple[str, str, str]:
        """The key under state A (twice) and under state B."""
        self.state = "A"
        first, again = key_for(), key_for()
        self.state = "B"
        return first, again, key_for()


def _changes(digests: Digests, key_for: Callable[[], str], *code: Path) -> None:
    first, again, changed = digests.keys(key_for)
    assert first == again and first != changed
    assert {str(p) for p in code} <= digests.roots, digests.roots


def _hls_item(tmp_path: Path) -> Any:
    from harness.families.hls.items import HlsItem

    (tmp_path / "k").mkdir()
    (tmp_path / "k" / "tb.cpp").write_text(TB)
    (tmp_path / "k" / "kernel.h").write_text("int top(int x[2]);\n")
    original = "#include \"kernel.h\"\nint top(int x[2]) { return x[0] + x[1]; }\n"
    return HlsItem(id="k/control", kernel="k", code=original, original=original, kernel_dir=tmp_path / "k")


@pytest.mark.parametrize("which", ["reference", "includes", "headers"])
def test_hls_guard_facts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, which: str) -> None:
    from harness.families.hls import guard, objcheck
    from harness.families.hls.csim import ap_include_dir

    digests = Digests(monkeypatch)
    seen: list[str] = []
    fake = objcheck.ObjInfo()
    monkeypatch.setattr(objcheck, "cached_infos",
                        lambda root, key, make: seen.append(key) or {"ref": fake, "tb": fake, "reserved": fake,
                                                                     "includes": fake})
    monkeypatch.setattr(objcheck, "header_externals", lambda base, root, key: seen.append(key) or frozenset())
    item, base, include = _hls_item(tmp_path), ["g++", "-std=c++14"], ap_include_dir()
    call = {"reference": lambda: guard._reference(item, base, "g++", include, tmp_path),
            "includes": lambda: guard._includes_init(item, base, "g++", include, tmp_path),
            "headers": lambda: guard._header_externals(base, "g++", include, tmp_path)}[which]

    def key_for() -> str:
        call()
        return seen[-1]
    _changes(digests, key_for, guard.FAMILY)


def test_hls_csim_programs_and_results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from harness.families.hls import csim

    digests = Digests(monkeypatch)
    item = _hls_item(tmp_path)
    seen: list[str] = []
    monkeypatch.setattr(csim._Cache, "get_result",
                        lambda self, key: seen.append(key) or csim.BuildResult("plain", "pass"))

    def key_for() -> str:
        csim.csim(item.original, item.kernel_dir / "tb.cpp", tmp_path / "work", cache=tmp_path / "c", builds=("plain",))
        return seen[-1]
    _changes(digests, key_for, HLS)


def test_hls_suite_items(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The built suite's items (which variants are kept: C-simulation, the judge, the kernel link,
    the toolchain, the operators) are keyed on the whole family's code; and on a kernel folder's
    own extra header, which C-simulation compiles with its testbench too."""
    from harness.families.hls import build
    from harness.families.hls.csim import ap_include_dir

    digests = Digests(monkeypatch)
    item = _hls_item(tmp_path)
    assert item.kernel_dir is not None
    include = ap_include_dir()

    def key_for() -> str:
        return build.content_hash(tmp_path, build.BuildSettings(), include)
    _changes(digests, key_for, HLS)
    first = key_for()
    (item.kernel_dir / "coeffs.h").write_text("static const int C = 1;\n")
    assert key_for() != first


def test_hls_precompiled_headers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from harness.families.hls import toolchain
    from harness.families.hls.csim import ap_include_dir

    digests = Digests(monkeypatch)

    made: list[str] = []  # the compile (not run here) writes into the entry's folder, named by its key
    monkeypatch.setattr(toolchain, "run_process", lambda cmd, **k: made.append(cmd[-1]) or SimpleNamespace(ok=False, stderr=""))

    def key_for() -> str:
        assert toolchain.precompile_headers(tmp_path, ["-std=c++14"], ap_include_dir()) is None
        return Path(made[-1]).parent.name
    _changes(digests, key_for, HLS / "toolchain.py")


def test_kernel_reference_cases(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("torch")
    from harness.families.kernels import cases

    digests = Digests(monkeypatch)
    problem: Any = SimpleNamespace(reference_source="def f(x):\n    return x\n")
    _changes(digests, lambda: cases._key(problem, {"cases": []}), KERNELS / "sandboxed", KERNELS / "cases.py")


def test_tritonbench_random_reference_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("torch")
    from benchmarks.tritonbench import random_eval

    digests = Digests(monkeypatch)
    seen: list[str] = []

    def runs(*args: Any, **kwargs: Any) -> Any:
        raise LookupError("not run here")
    monkeypatch.setattr(random_eval, "reference_runs", runs)
    real_key_of = random_eval.key_of
    monkeypatch.setattr(random_eval, "key_of", lambda *parts: seen.append(real_key_of(*parts)) or seen[-1])
    kp: Any = SimpleNamespace(reference_source="x = 1\n", test_code="", entry="f")

    def key_for() -> str:
        with pytest.raises(LookupError):
            random_eval._cached_reference_runs(kp, tmp_path, tmp_path / "c", None, 0, 1.0)
        return seen[-1]
    _changes(digests, key_for, Path(random_eval.__file__).resolve().parent, KERNELS / "sandboxed")


def test_audit_mutant_verdicts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from harness.audit import engine
    from harness.suite import EvalContext, Problem, SuiteOptions
    from tests.core.fakes import FakeSandbox, FakeSuite

    suite, problem = FakeSuite(SuiteOptions()), Problem("fake", "p0", reference="pass", data={})
    ctx = EvalContext(sandbox=FakeSandbox())
    for name in ("harness_code_digest", "suite_code_digest"):
        monkeypatch.setattr(engine, name, lambda *a: "A")
        first = engine.MutantCache(tmp_path, suite, ctx, engine.AuditSettings())._key(problem, "code")
        assert engine.MutantCache(tmp_path, suite, ctx, engine.AuditSettings())._key(problem, "code") == first
        monkeypatch.setattr(engine, name, lambda *a: "B")
        assert engine.MutantCache(tmp_path, suite, ctx, engine.AuditSettings())._key(problem, "code") != first, name
