"""Load an RTLLM checkout (hkust-zhiyao/RTLLM): v2.0 nested or v1.1 flat.

v2.0 nests designs as ``<Category>/<Subcategory>/<design>/`` (folder names may contain spaces);
v1.1 keeps them flat under the root. A design folder holds ``design_description.txt`` (the
prompt), ``testbench.v`` (prints ``Your Design Passed`` on success) and ``verified_<x>.v``,
sometimes with data files the testbench reads (``$readmemh("tdata.txt", ...)``), which are
copied beside it.

Module names are inconsistent: references are called ``verified_accu``, ``accu`` or
``verified_multi_pipe``, and descriptions sometimes name another module than the testbench
instantiates. The testbench decides: the top is the module it instantiates and does not define;
the reference's root module is renamed to it, and the prompt states the name when the
description does not. Folders starting with ``.`` or ``_`` (RTLLM's sample answers and
pictures) are skipped. As with RTLLM's VCS flow (``-timescale=1ns/1ns``), a candidate without
a ``timescale`` gets 1ns/1ns.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from harness.errors import DataError
from harness.families.verilog.extract import module_spans
from harness.families.verilog.isolation import interface_names
from harness.families.verilog.loaders import (
    Defect,
    defect_problem,
    read_text,
    rename_module,
    root_modules,
    testbench_root,
)
from harness.families.verilog.ports import port_directions
from harness.families.verilog.tbeval import Testbench, instantiations, verdict_prints
from harness.types import Problem

DESCRIPTION, TESTBENCH = "design_description.txt", "testbench.v"
SKIP_FILES = {DESCRIPTION, TESTBENCH, "makefile", "Makefile"}
MAX_DATA_BYTES = 4 * 1024 * 1024
TIMESCALE_FILE = "hweval_timescale.v"
_MODULE_NAME = re.compile(r"Module name:\s*\n?\s*([A-Za-z_]\w*)", re.IGNORECASE)


def design_folders(root: Path) -> list[Path]:
    """Every folder under ``root`` holding a description or a testbench, sorted."""
    if not root.is_dir():
        raise DataError(f"--data {root}: not a folder (pass the root of a clone of hkust-zhiyao/RTLLM)")
    found = []
    for here, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
        if DESCRIPTION in files or TESTBENCH in files:
            found.append(Path(here))
    if not found:
        raise DataError(f"--data {root}: no RTLLM designs found (folders with {DESCRIPTION} and {TESTBENCH})")
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def design_top(tb: str, folder: Path, description: str) -> str:
    """The module the testbench instantiates and does not define."""
    defined = {name for name, _, _ in module_spans(tb)}
    used = list(dict.fromkeys(mod for mod, _ in instantiations(tb) if mod not in defined))
    if not used:
        raise Defect(f"{folder / TESTBENCH}: instantiates no design module")
    if len(used) == 1:
        return used[0]
    named = _MODULE_NAME.search(description)
    for pick in (folder.name, named.group(1) if named else None):
        if pick in used:
            return pick
    raise Defect(f"{folder / TESTBENCH}: instantiates several modules ({', '.join(used)}); cannot tell the design")


def reference_for(src: str, top: str, path: Path) -> str:
    """The reference with its root module renamed to ``top`` (``verified_accu`` -> ``accu``)."""
    names = [name for name, _, _ in module_spans(src)]
    if not names:
        raise Defect(f"{path}: no module found")
    if top in names:
        return src
    roots = root_modules(src)
    for pick in (f"verified_{top}", *[r for r in roots if r.startswith("verified_")], *roots):
        if pick in names:
            return rename_module(src, pick, top)
    raise Defect(f"{path}: cannot tell which module is the design")  # pragma: no cover - roots is never empty


def data_files(folder: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    total = 0
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.name in SKIP_FILES or path.suffix in (".v", ".sv"):
            continue
        total += path.stat().st_size
        if total > MAX_DATA_BYTES:
            raise Defect(f"{folder}: data files over {MAX_DATA_BYTES // 1024 // 1024} MiB")
        out[path.name] = read_text(path)
    return out


def load_design(suite: str, root: Path, folder: Path, pid: str) -> Problem:
    try:
        description = read_text(folder / DESCRIPTION)
        tb_src = read_text(folder / TESTBENCH)
        refs = sorted(folder.glob("verified_*.v"))
        if not refs:
            raise Defect(f"{folder}: no verified_*.v reference")
        ref_path = next((p for p in refs if p.name == f"verified_{folder.name}.v"), refs[0])
        top = design_top(tb_src, folder, description)
        reference = reference_for(read_text(ref_path), top, ref_path)
        root_mod = testbench_root(tb_src, folder / TESTBENCH)
        try:
            verdict_prints(tb_src, "passline")
        except ValueError as exc:
            raise Defect(f"{folder / TESTBENCH}: {exc}") from None
        files = {TIMESCALE_FILE: "`timescale 1ns/1ns\n", TESTBENCH: tb_src, **data_files(folder)}
    except Defect as exc:
        return defect_problem(suite, pid, str(exc), folder, top=folder.name)
    tb = Testbench(files=files, before=(TIMESCALE_FILE,), after=(TESTBENCH,), root=root_mod, verdict="passline",
                   tb_file=TESTBENCH, sources=(TESTBENCH,), keep=tuple(sorted(interface_names(reference, top))),
                   top=top, ports=tuple(port_directions(reference, top)))
    category = folder.parent.relative_to(root).as_posix() if folder.parent != root else ""
    return Problem(suite=suite, id=pid, reference=reference, path=folder,
                   data={"top": top, "description": description, "tb": tb.to_data(), "category": category,
                         "reference_file": ref_path.name})


def load(suite: str, root: Path) -> list[Problem]:
    folders = design_folders(root)
    counts: dict[str, int] = {}
    for f in folders:
        counts[f.name] = counts.get(f.name, 0) + 1
    return [load_design(suite, root, f, f.name if counts[f.name] == 1 else f.relative_to(root).as_posix())
            for f in folders]


def prompt_text(problem: Problem) -> str:
    """The description as RTLLM sends it, plus the module name when the description lacks it."""
    text = problem.data["description"].rstrip() + "\n"
    top = problem.data["top"]
    named = _MODULE_NAME.search(text)
    if (named and named.group(1) != top) or not re.search(rf"\b{re.escape(top)}\b", text):
        text += f"\nThe top module must be named `{top}`.\n"
    return text
