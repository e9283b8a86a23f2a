"""The kernels family's trust boundary, checked on the source by import analysis.

``harness/families/kernels/sandboxed/`` runs inside the sandbox next to candidate code;
``static/`` reads the candidate's text in the harness process; the top level drives the sandbox.
"""
from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FAMILY = ROOT / "harness" / "families" / "kernels"
PKG = "harness.families.kernels"
SANDBOXED = f"{PKG}.sandboxed"
STATIC = f"{PKG}.static"
#: third-party packages the sandboxed code may import (besides the standard library)
SANDBOX_THIRD_PARTY = {"torch", "triton", "numpy"}  # numpy: the Triton interpreter's arrays (interp patches)
#: what the static checks may import besides the standard library, torch/triton and themselves
STATIC_EXTRA = {"harness.proc"}
#: the in-sandbox processes and what runs in them: the harness names them only on a command line
IN_SANDBOX_ONLY = {"worker", "worker_common", "worker_function", "hooks", "guards", "checker"}
#: sandboxed modules the harness process may import (reference cases of trusted built-in
#: problems, distributions, shape scaling, the checker's record tag)
HARNESS_MAY_IMPORT = {"refcases", "dists", "scaling", "pipe"}
#: modules outside the family that themselves run inside the sandbox, and the command naming them
OTHER_IN_SANDBOX = {"benchmarks/tritonbench/random_ref.py": "benchmarks.tritonbench.random_ref"}
DOTTED = re.compile(r"\bharness\.families\.kernels(?:\.\w+)+")
SLASHED = re.compile(r"\bharness/families/kernels/[\w/]+\.py\b")


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    return ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)


def imports(path: Path) -> list[str]:
    """Every module ``path`` imports, anywhere (lazy imports included); ``from M import n`` gives
    both ``M`` and ``M.n``; relative imports are resolved."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    out: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.extend(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            out.extend([base, *(f"{base}.{a.name}" for a in node.names)])
    return out


def under(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def is_stdlib(name: str) -> bool:
    return name.split(".")[0] in sys.stdlib_module_names


def py_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_the_family_has_the_three_places() -> None:
    for sub in ("static", "sandboxed"):
        init = FAMILY / sub / "__init__.py"
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        assert "sandbox" in doc and "Imports" in doc, f"{rel(init)} must state its boundary"
    for name in IN_SANDBOX_ONLY | HARNESS_MAY_IMPORT:
        assert (FAMILY / "sandboxed" / f"{name}.py").is_file(), name
    assert not [p.name for p in FAMILY.glob("*.py") if p.stem in IN_SANDBOX_ONLY | HARNESS_MAY_IMPORT]
    assert not list(FAMILY.glob("static_*.py")), "static checks live in static/"


@pytest.mark.parametrize("path", py_files(FAMILY / "sandboxed"), ids=lambda p: p.name)
def test_sandboxed_code_imports_only_itself_the_stdlib_torch_and_triton(path: Path) -> None:
    bad = [m for m in imports(path) if not (under(m, SANDBOXED) or is_stdlib(m)
                                            or m.split(".")[0] in SANDBOX_THIRD_PARTY)]
    assert bad == [], f"{rel(path)} runs in the sandbox but imports {bad}"


@pytest.mark.parametrize("path", py_files(FAMILY / "static"), ids=lambda p: p.name)
def test_static_checks_import_nothing_of_the_sandbox_side(path: Path) -> None:
    bad = [m for m in imports(path) if not (under(m, STATIC) or is_stdlib(m) or any(under(m, e) for e in STATIC_EXTRA)
                                            or m.split(".")[0] in SANDBOX_THIRD_PARTY)]
    assert bad == [], f"{rel(path)} is a static check but imports {bad}"


def harness_side_files() -> list[Path]:
    files = py_files(ROOT / "harness") + py_files(ROOT / "benchmarks")
    return [f for f in files if not f.is_relative_to(FAMILY / "sandboxed") and rel(f) not in OTHER_IN_SANDBOX]


def test_the_harness_process_names_the_sandboxed_processes_only_on_a_command_line() -> None:
    offenders = []
    for path in harness_side_files():
        for m in imports(path):
            if under(m, SANDBOXED) and m != SANDBOXED and m.split(".")[4] not in HARNESS_MAY_IMPORT:
                offenders.append((rel(path), m))
    assert offenders == []


def test_the_in_sandbox_exceptions_are_sandbox_entry_points() -> None:
    for path, module in OTHER_IN_SANDBOX.items():
        assert (ROOT / path).is_file(), path
        users = [rel(p) for p in harness_side_files() if f'"{module}"' in p.read_text(encoding="utf-8")]
        assert users, f"{module} is not started as a module by any harness code"


def test_the_command_lines_start_the_sandboxed_entry_points(tmp_path: Path) -> None:
    from harness.families.kernels.cases import checker_command, worker_command

    for cmd, name in ((worker_command(tmp_path, "check"), "worker"), (checker_command(tmp_path), "checker")):
        module = cmd[cmd.index("-m") + 1]
        assert module == f"{SANDBOXED}.{name}"
        assert (FAMILY / "sandboxed" / f"{name}.py").is_file()
    checker = (FAMILY / "sandboxed" / "checker.py").read_text(encoding="utf-8")
    assert f'"-m", "{SANDBOXED}.worker"' in checker


def test_the_sandboxed_entry_points_load_nothing_of_the_harness_side() -> None:
    """Imported in a fresh process, the worker and the checker bring in no other harness module."""
    code = ("import sys\n"
            f"import {SANDBOXED}.worker, {SANDBOXED}.checker, {SANDBOXED}.worker_function\n"
            "print('\\n'.join(sorted(m for m in sys.modules if m.startswith(('harness', 'benchmarks')))))\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    loaded = set(proc.stdout.split())
    assert {f"{SANDBOXED}.worker", f"{SANDBOXED}.checker"} <= loaded
    assert {m for m in loaded if not under(m, SANDBOXED)} == {"harness", "harness.families", PKG}


def resolves(dotted: str) -> bool:
    """``dotted`` names a module of the family, or a top-level name defined in one."""
    parts = dotted.split(".")
    for i in range(len(parts), 2, -1):
        base = ROOT.joinpath(*parts[:i])
        path = base / "__init__.py" if base.is_dir() else base.with_suffix(".py")
        if not path.is_file():
            continue
        rest = parts[i:]
        if not rest:
            return True
        tree = ast.parse(path.read_text(encoding="utf-8"))
        defined = set()
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                defined.add(node.name)
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                defined.update(t.id for t in targets if isinstance(t, ast.Name))
            elif isinstance(node, ast.Import | ast.ImportFrom):
                defined.update((a.asname or a.name).split(".")[0] for a in node.names)
        return rest[0] in defined
    return False


def text_files() -> list[Path]:
    files = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    for top in ("harness", "benchmarks", "tests", "sandboxes"):
        files += [p for p in sorted((ROOT / top).rglob("*")) if p.suffix in (".py", ".md", ".tmpl")
                  and "__pycache__" not in p.parts and p.is_file()]
    return files


def test_every_kernels_module_path_in_code_and_docs_exists() -> None:
    """Module paths (``python -m ...``, imports in strings, docstrings) and file paths that name a
    kernels module point at a real one: a moved module leaves no stale name behind."""
    stale = []
    for path in text_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        stale += [(rel(path), m) for m in sorted(set(DOTTED.findall(text))) if not resolves(m)]
        stale += [(rel(path), m) for m in sorted(set(SLASHED.findall(text))) if not (ROOT / m).is_file()]
    assert stale == []
