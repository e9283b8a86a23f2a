"""Verilator's ``OBJCACHE`` hook: reuse the prebuilt runtime objects of a Verilated model.

Every Verilator build of a cocotb job compiles, besides the design's own C++ and cocotb's
``verilator.cpp`` (its ``main``, which includes the design's header; two seconds or so),
Verilator's runtime library (``verilated.o``, ``verilated_vpi.o``,
``verilated_threads.o``, ``verilated_dpi.o``: about 10 of the 13 CPU seconds of a small design).
None of them depends on the design. Verilator's makefile runs each compile as
``$(OBJCACHE) c++ ... -c -o X.o SOURCE``; with ``OBJCACHE`` naming this script:

- ``HWEVAL_VOBJ_DIR=DIR`` (the sandboxed build, DIR read-only): a compile whose whole command
  line was recorded in ``DIR/manifest.json``, and whose compiler, source and headers (the files
  its ``-MMD`` dependency list named) still have the recorded size and modification time, gets
  the recorded object and dependency file copied; any other compile runs as it would have
  (the design's own files always do: they are never recorded).
- ``HWEVAL_VOBJ_RECORD=DIR`` (the trusted host-side build, :mod:`harness.families.verilog.vobjects`):
  the compile runs; when neither its source nor any file it included lies in the build folder
  (the runtime library; not cocotb's ``verilator.cpp``, which includes the design's ``Vtop.h``),
  its object, dependency file and entry are written to DIR.

Run as a script (``python -I -S objcache.py c++ ...``): it imports only the standard library.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

MANIFEST = "manifest.json"
ENTRIES = "entries"


def _target(argv: list[str]) -> tuple[str, str] | None:
    """(object, source) of a ``... -c -o OBJ SRC`` compile that writes a -MMD dependency file."""
    if "-c" not in argv or "-MMD" not in argv or argv.count("-o") != 1:
        return None
    i = argv.index("-o")
    if i + 1 >= len(argv) - 1:
        return None
    return argv[i + 1], argv[-1]


def _compiler(name: str) -> str | None:
    found = shutil.which(name)
    return os.path.realpath(found) if found else None


def _depfile(obj: str) -> str:
    return os.path.splitext(obj)[0] + ".d"


def _deps(depfile: str) -> list[str]:
    """The files a make dependency file lists (after the target's colon)."""
    with open(depfile, encoding="utf-8", errors="replace") as fh:
        text = fh.read().replace("\\\n", " ")
    _, _, rest = text.partition(":")
    return [word for word in rest.split() if word != "\\"]


def _stamps(paths: list[str]) -> dict[str, list[int]] | None:
    out: dict[str, list[int]] = {}
    for path in paths:
        try:
            st = os.stat(path)
        except OSError:
            return None
        out[path] = [st.st_size, st.st_mtime_ns]
    return out


def _reuse(folder: str, argv: list[str], obj: str) -> bool:
    """Copy the recorded object of this exact compile when every stamp still matches."""
    try:
        with open(os.path.join(folder, MANIFEST), encoding="utf-8") as fh:
            manifest = json.load(fh)
    except (OSError, ValueError):
        return False
    entry = next((e for e in manifest if isinstance(e, dict) and e.get("argv") == argv), None)
    if entry is None or entry.get("compiler") != _compiler(argv[0]):
        return False
    stamps = entry.get("stamps") or {}
    if not stamps or _stamps(sorted(stamps)) != stamps:
        return False
    try:
        shutil.copyfile(os.path.join(folder, entry["object"]), obj)
        shutil.copyfile(os.path.join(folder, entry["depfile"]), _depfile(obj))
    except (OSError, KeyError):
        return False
    print(f"hweval objcache: {obj} prebuilt", flush=True)
    return True


def _record(folder: str, argv: list[str], obj: str, source: str) -> None:
    """Keep the object of a runtime-library compile that just succeeded, with its entry."""
    here = os.path.realpath(os.getcwd())
    files = {source, *_deps(_depfile(obj))}
    if any(not os.path.isabs(p) or os.path.realpath(p).startswith(here + os.sep) for p in files):
        return  # the design's own code, or code that includes the design's headers: never recorded
    compiler = _compiler(argv[0])
    stamps = _stamps(sorted(files) + ([compiler] if compiler else []))
    if compiler is None or stamps is None:
        return
    name = os.path.basename(obj)
    shutil.copyfile(obj, os.path.join(folder, name))
    shutil.copyfile(_depfile(obj), os.path.join(folder, _depfile(name)))
    os.makedirs(os.path.join(folder, ENTRIES), exist_ok=True)
    entry = {"argv": argv, "compiler": compiler, "object": name, "depfile": _depfile(name), "stamps": stamps}
    with open(os.path.join(folder, ENTRIES, name + ".json"), "w", encoding="utf-8") as fh:
        json.dump(entry, fh)


def main(argv: list[str]) -> int:
    if not argv:
        print("objcache: no compile command given", file=sys.stderr)
        return 2
    target = _target(argv)
    use, record = os.environ.get("HWEVAL_VOBJ_DIR"), os.environ.get("HWEVAL_VOBJ_RECORD")
    if target is not None and use and _reuse(use, argv, target[0]):
        return 0
    code = subprocess.call(argv)
    if target is not None and record and code == 0:
        _record(record, argv, *target)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
