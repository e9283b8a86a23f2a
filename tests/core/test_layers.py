"""The import rules of docs/architecture.md, checked on the source (no module is imported)."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HARNESS = ROOT / "harness"

#: the layers below the families: records, interfaces, pipeline, plugins
LOWER = ["types", "errors", "cache", "config", "results", "schemas", "suite", "backend", "sandbox", "runner",
         "generate", "execute", "executors", "summary", "metrics", "preflight", "verdict_cache", "registry",
         "progress", "multiturn", "backends"]
#: the command layer (the pipeline never imports it)
COMMANDS = ("harness.cli", "harness.commands", "harness.publish", "harness.audit", "harness.scaffold",
            "harness.sandbox.commands", "harness.report")
#: known exceptions to "no family below the family layer", each with where it should go
EXCEPTIONS: dict[str, str] = {}


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def imports(path: Path, top_level_only: bool) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    out: list[str] = []
    for node in nodes:
        if isinstance(node, ast.If) and top_level_only:  # `if TYPE_CHECKING:` imports nothing at run time
            continue
        if isinstance(node, ast.Import):
            out.extend(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.extend([node.module, *(f"{node.module}.{a.name}" for a in node.names)])
    return out


def sources(*names: str) -> list[Path]:
    files: list[Path] = []
    for name in names:
        path = HARNESS / name
        files.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path.with_suffix(".py")])
    return [f for f in files if f.is_file()]


def lower_layer_files() -> list[Path]:
    return [f for f in sources(*LOWER) if not module_name(f).startswith("harness.sandbox.commands")]


def test_the_layer_lists_name_real_modules() -> None:
    for name in LOWER:
        assert (HARNESS / name).is_dir() or (HARNESS / f"{name}.py").is_file(), name
    assert all((ROOT / p).is_file() for p in EXCEPTIONS)


def test_nothing_in_harness_imports_the_builtin_suites() -> None:
    offenders = [(str(f.relative_to(ROOT)), m) for f in sources(".") for m in imports(f, top_level_only=False)
                 if m == "benchmarks" or m.startswith("benchmarks.")]
    assert offenders == []


@pytest.mark.parametrize("path", lower_layer_files(), ids=lambda p: str(p.relative_to(HARNESS)))
def test_lower_layers_import_no_family_and_no_torch_at_module_level(path: Path) -> None:
    bad = [m for m in imports(path, top_level_only=True)
           if m.startswith("harness.families") or m.split(".")[0] in ("torch", "triton")]
    assert bad == [], f"{path.relative_to(ROOT)} imports {bad} at module level"


def test_pipeline_never_imports_the_command_layer() -> None:
    offenders = [(str(f.relative_to(ROOT)), m) for f in lower_layer_files() for m in imports(f, top_level_only=False)
                 if any(m == c or m.startswith(c + ".") for c in COMMANDS)]
    assert offenders == []


def test_known_exceptions_are_still_exceptions() -> None:
    """When an exception is fixed, it leaves the list (and docs/architecture.md)."""
    for rel in EXCEPTIONS:
        assert any(m.startswith("harness.families") for m in imports(ROOT / rel, top_level_only=True)), rel


@pytest.mark.parametrize("path", sources("audit"), ids=lambda p: p.name)
def test_the_audit_is_family_neutral(path: Path) -> None:
    """``hweval audit`` asks the suite's declared hooks (``harness.suite.AuditHooks``): no module of
    harness/audit imports a family, even inside a function, or branches on a family's name."""
    assert [m for m in imports(path, top_level_only=False) if m.startswith("harness.families")] == []
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"\.family\s*(==|!=|in\b)|FAMILY_ADAPTERS", text), path.name


def test_families_do_not_import_each_other() -> None:
    families = sorted(p.name for p in (HARNESS / "families").iterdir() if (p / "__init__.py").is_file())
    assert set(families) >= {"verilog", "kernels", "hls"}
    for fam in families:
        for f in sources(f"families/{fam}"):
            others = [m for m in imports(f, top_level_only=False)
                      if m.startswith("harness.families.") and m.split(".")[2] != fam]
            assert others == [], f"{f.relative_to(ROOT)} imports {others}"
