"""Build the item list of the HLS bug suite from the kernel folders.

For each kernel (``<kernels_dir>/<name>/{kernel.cpp,kernel.h,tb.cpp,meta.toml}``) the
original must pass its testbench under every build; it becomes the control
``<kernel>/control``. Candidate variants from :mod:`mutate` are tried in a deterministic plan
(types balanced across kernels) and kept only when C-simulation catches them:

* ``OOB`` only when the sanitizer build reports a run-time error (a real out-of-bounds access);
* ``INF`` only when the plain build times out (a real non-terminating loop);
* ``INIT`` tried first with the pattern-initialised build, the others with the plain build;
  any failing run (wrong output, run-time error, timeout) counts, a compile error does not.

A kernel whose ``meta.toml`` lists hand-written bugs (``[[bugs]]``, read by :func:`load_bugs`) gets
those instead of generated variants: each must be caught by its testbench (any failing run under
any build), or the build stops with an error naming it::

    control_id = "b"                 # the control's item id (default "control")
    [[bugs]]
    id = "a"                         # the item id: <kernel>/a
    description = "what is wrong"
    types = ["USE"]                  # one code per span
    spans = [[14, 14]]               # 1-based inclusive line ranges in kernel.cpp
    edits = [{line = 14, old = "AP_SAT", new = "AP_WRAP"}]   # `old` occurs once on that line

The result is cached as JSON under ``cache_dir/items`` keyed by a hash of the kernel files, the
code of the whole family (:func:`harness.cache.code_digest` of this folder: the operators, csim,
the judge, the kernel link, the toolchain...), the settings, the compiler and the include headers.

Trust: everything compiled and run here is our own code (the suite's kernels and testbenches,
and variants our operators made from them), so the build uses csim's direct runner, outside the
sandbox. A model's answer never comes through here; its fix is executed by ``score.fix_at_exec``
with the sandboxed runner (``sandboxed.py``).
"""
from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import shutil
import tempfile
import tomllib
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from harness.cache import atomic_write_json, code_digest, read_json
from harness.errors import DataError
from harness.families.hls import csim as csim_mod
from harness.families.hls import tbcheck
from harness.families.hls.csim import BUILDS, ap_include_dir, csim
from harness.families.hls.items import HlsItem
from harness.families.hls.mutate import Variant, generate_variants
from harness.families.hls.taxonomy import BUG_TYPES

log = logging.getLogger(__name__)

KERNEL_FILES = ("kernel.cpp", "kernel.h", "tb.cpp", "meta.toml")
_CAUGHT = {"fail", "runtime_error", "timeout"}
_RULES: dict[str, tuple[tuple[str, ...], set[str]]] = {
    "OOB": (("sanitize",), {"runtime_error"}),
    "INF": (("plain",), {"timeout"}),
    "INIT": (("pattern", "plain", "sanitize"), _CAUGHT),
}
_DEFAULT_RULE: tuple[tuple[str, ...], set[str]] = (BUILDS, _CAUGHT)
#: the family's modules, whose code decides which variants are kept (its digest keys the item cache)
_FAMILY = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Kernel:
    name: str
    folder: Path
    source: str
    header: str | None
    meta: dict[str, object]


@dataclass(frozen=True)
class BuildSettings:
    seed: int = 0
    bugs_per_kernel: int = 1  # one bug item per control: half the items are correct kernels
    tries_per_type: int = 2
    timeout_s: float = 4.0


def load_kernels(kernels_dir: Path) -> list[Kernel]:
    """The kernel folders of ``kernels_dir``; a testbench without a seeded stimulus (or that never
    calls its top function) is a DataError (:func:`harness.families.hls.tbcheck.check_testbench`)."""
    kernels = []
    for folder in sorted(p for p in kernels_dir.iterdir() if (p / "kernel.cpp").is_file()):
        why = tbcheck.check_testbench(folder)
        if why is not None:
            raise DataError(why)
        meta = tomllib.loads((folder / "meta.toml").read_text()) if (folder / "meta.toml").is_file() else {}
        header = (folder / "kernel.h").read_text() if (folder / "kernel.h").is_file() else None
        kernels.append(Kernel(str(meta.get("name", folder.name)), folder, (folder / "kernel.cpp").read_text(), header, meta))
    return kernels


def content_hash(kernels_dir: Path, settings: BuildSettings, include: Path, cxx: str = "g++") -> str:
    """The key of the item cache: every file of each kernel folder that C-simulation reads (its
    ``*.h`` beside :data:`KERNEL_FILES`), the family's code, the settings, the compiler, the headers."""
    h = hashlib.sha256(b"hls-items-1")
    for folder in sorted(p for p in kernels_dir.iterdir() if p.is_dir()):
        headers = sorted(f.name for f in folder.glob("*.h") if f.name not in KERNEL_FILES)  # C-simulation's too
        for name in (*KERNEL_FILES, *headers):
            if (folder / name).is_file():
                h.update(f"{folder.name}/{name}\0".encode() + (folder / name).read_bytes())
    h.update(code_digest(_FAMILY).encode())  # the code that decides the items: the whole family's modules
    h.update(repr(settings).encode())
    h.update(csim_mod.compiler_version(cxx).encode() + csim_mod.include_fingerprint(include).encode())
    return h.hexdigest()


@dataclass(frozen=True)
class HandBug:
    """A hand-written bug of a kernel (``[[bugs]]`` in its meta.toml), applied to its source."""

    id: str
    types: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]
    source: str
    description: str


def _apply_edits(where: str, lines: list[str], edits: object) -> list[str]:
    if not isinstance(edits, list) or not edits:
        raise DataError(f"{where}: `edits` must be a non-empty list of {{line, old, new}} tables")
    out = list(lines)
    for edit in edits:
        line, old, new = (edit.get(k) if isinstance(edit, dict) else None for k in ("line", "old", "new"))
        if not isinstance(line, int) or not isinstance(old, str) or not isinstance(new, str) or not old:
            raise DataError(f"{where}: each edit needs an integer `line` and strings `old` (non-empty) and `new`")
        if not 1 <= line <= len(out) or out[line - 1].count(old) != 1:
            raise DataError(f"{where}: edit at line {line}: `{old}` does not occur exactly once on that line")
        if "\n" in new:
            raise DataError(f"{where}: edit at line {line}: `new` may not hold a newline (line numbers must stay)")
        out[line - 1] = out[line - 1].replace(old, new, 1)
    return out


def load_bugs(meta_path: Path, meta: dict[str, object], source: str) -> list[HandBug]:
    """The hand-written bugs of a kernel's ``meta.toml``, checked (ids, types, spans, edits)."""
    bugs = meta.get("bugs")
    if not isinstance(bugs, list):
        raise DataError(f"{meta_path}: `bugs` must be an array of tables ([[bugs]])")
    lines = source.split("\n")
    out: list[HandBug] = []
    for n, bug in enumerate(bugs, 1):
        where = f"{meta_path}: bug {n}"
        if not isinstance(bug, dict):
            raise DataError(f"{where}: each bug must be a table ([[bugs]])")
        bid, types, spans = bug.get("id"), bug.get("types"), bug.get("spans")
        if not isinstance(bid, str) or not bid or "/" in bid or bid == meta.get("control_id", "control"):
            raise DataError(f"{where}: `id` must be a non-empty name without '/', distinct from the control's")
        if not isinstance(types, list) or not types or any(t not in BUG_TYPES for t in types):
            raise DataError(f"{where}: `types` must list codes from {', '.join(BUG_TYPES)}")
        if not isinstance(spans, list) or len(spans) != len(types) or any(
                not (isinstance(s, list) and len(s) == 2 and 1 <= s[0] <= s[1] <= len(lines)) for s in spans):
            raise DataError(f"{where}: `spans` must hold one [first, last] line range of kernel.cpp per type")
        new_lines = _apply_edits(where, lines, bug.get("edits"))
        changed = [i + 1 for i, (a, b) in enumerate(zip(lines, new_lines)) if a != b]
        if any(not any(a <= ln <= b for a, b in spans) for ln in changed):
            raise DataError(f"{where}: an edited line lies outside every span")
        out.append(HandBug(bid, tuple(types), tuple((int(a), int(b)) for a, b in spans), "\n".join(new_lines),
                           str(bug.get("description", ""))))
    if len({b.id for b in out}) != len(out):
        raise DataError(f"{meta_path}: two bugs share an id")
    return out


def plan_types(kernels: list[Kernel], variants: dict[str, list[Variant]], settings: BuildSettings) -> dict[str, list[str]]:
    """Per kernel, the order in which bug types are tried: scarce types first, spread evenly."""
    planned: Counter[str] = Counter()
    plans: dict[str, list[str]] = {}
    for k in kernels:
        types = sorted({v.type for v in variants[k.name]},
                       key=lambda t: (planned[t], hashlib.sha256(f"{settings.seed}:{k.name}:{t}".encode()).hexdigest()))
        plans[k.name] = types
        planned.update(types[: settings.bugs_per_kernel])
    return plans


def _catch(variant: Variant, kernel: Kernel, work: Path, include: Path, cache: Path | None,
           settings: BuildSettings) -> dict[str, str] | None:
    builds, wanted = _RULES.get(variant.type, _DEFAULT_RULE)
    res = csim(variant.source, kernel.folder / "tb.cpp", work, include=include, cache=cache,
               timeout_s=settings.timeout_s, builds=builds, stop_on_failure=True)
    bad = res.first_failure
    if bad is None or bad.status == "syntax_error":
        return None
    if bad.status == "infra_error":
        raise RuntimeError(f"{kernel.name}: infrastructure failure while checking a variant: {bad.symptom}")
    if bad.status not in wanted:
        return None
    return {"build": bad.build, "status": bad.status, "text": bad.symptom}


def _build_kernel(kernel: Kernel, variants: list[Variant], plan: list[str], include: Path, cache: Path | None,
                  settings: BuildSettings, scratch: Path) -> list[HlsItem]:
    work = scratch / kernel.name
    ref = csim(kernel.source, kernel.folder / "tb.cpp", work, include=include, cache=cache, timeout_s=settings.timeout_s)
    if not ref.passed:
        raise RuntimeError(f"kernel {kernel.name} fails its own testbench: {ref.symptom}")
    control_id = str(kernel.meta.get("control_id", "control"))
    items = [HlsItem(id=f"{kernel.name}/{control_id}", kernel=kernel.name, code=kernel.source, original=kernel.source,
                     description="bug-free original", header=kernel.header, kernel_dir=kernel.folder)]
    if "bugs" in kernel.meta:
        return items + _hand_written_items(kernel, include, cache, settings, work)
    by_type: dict[str, list[Variant]] = {}
    for v in variants:
        by_type.setdefault(v.type, []).append(v)
    kept = 0
    for typ in plan:
        if kept >= settings.bugs_per_kernel:
            break
        for v in by_type[typ][: settings.tries_per_type]:
            symptom = _catch(v, kernel, work, include, cache, settings)
            if symptom is not None:
                items.append(HlsItem(id=f"{kernel.name}/{typ}_1", kernel=kernel.name, code=v.source,
                                     original=kernel.source, types=[typ], spans=[v.span], symptom=symptom,
                                     description=v.description, header=kernel.header, kernel_dir=kernel.folder))
                kept += 1
                break
    log.info("hls kernel %s: %d bug items", kernel.name, kept)
    return items


def _hand_written_items(kernel: Kernel, include: Path, cache: Path | None, settings: BuildSettings,
                        work: Path) -> list[HlsItem]:
    items = []
    for bug in load_bugs(kernel.folder / "meta.toml", kernel.meta, kernel.source):
        builds, wanted = _DEFAULT_RULE
        res = csim(bug.source, kernel.folder / "tb.cpp", work, include=include, cache=cache,
                   timeout_s=settings.timeout_s, builds=builds, stop_on_failure=True)
        bad = res.first_failure
        if bad is None or bad.status not in wanted:
            why = "passes its testbench" if bad is None else f"is not caught ({bad.build}: {bad.status}: {bad.symptom})"
            raise RuntimeError(f"{kernel.folder / 'meta.toml'}: hand-written bug {bug.id!r} {why}")
        items.append(HlsItem(id=f"{kernel.name}/{bug.id}", kernel=kernel.name, code=bug.source, original=kernel.source,
                             types=list(bug.types), spans=list(bug.spans),
                             symptom={"build": bad.build, "status": bad.status, "text": bad.symptom},
                             description=bug.description, header=kernel.header, kernel_dir=kernel.folder))
    log.info("hls kernel %s: %d hand-written bug items", kernel.name, len(items))
    return items


def _cached_items(cache_file: Path | None, key: str, kernels_dir: Path) -> list[HlsItem] | None:
    data = read_json(cache_file, label="HLS item cache") if cache_file is not None else None
    if isinstance(data, dict) and data.get("hash") == key:
        try:
            return [HlsItem.from_json(d, kernels_dir) for d in data["items"]]
        except (KeyError, TypeError, ValueError) as exc:  # an entry of another layout: build again
            log.warning("HLS item cache: ignoring %s (%s)", cache_file, exc)
    return None


@contextmanager
def _build_lock(cache_file: Path | None) -> Iterator[None]:
    """An exclusive lock beside ``cache_file``: processes that share a cache folder (parallel runs,
    test workers) build a suite once; the others wait, then read what the first one wrote."""
    if cache_file is None:
        yield
        return
    cache_file.parent.mkdir(parents=True, exist_ok=True)
    with open(cache_file.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


#: kernels C-simulated at once by a build (each runs its compiles and runs one after another): one
#: per CPU core, at most 8 (each g++ of the ap headers takes a few hundred MB); 2 on a 2-core machine
BUILD_JOBS = max(2, min(8, os.cpu_count() or 2))


def build_items(kernels_dir: Path, *, cache_dir: Path | None = None, include: Path | None = None,
                settings: BuildSettings = BuildSettings(), jobs: int = BUILD_JOBS, rebuild: bool = False) -> list[HlsItem]:
    """All items of the suite (controls and caught variants), sorted by id; cached in ``cache_dir``
    (one build at a time per cache entry: see :func:`_build_lock`). The items do not depend on
    ``jobs`` (each kernel is built on its own, the bug-type plan is made before)."""
    include = include or ap_include_dir()
    kernels_dir = kernels_dir.resolve()
    key = content_hash(kernels_dir, settings, include)
    cache_file = cache_dir / "items" / f"hls_items-{key[:20]}.json" if cache_dir else None
    cached = None if rebuild else _cached_items(cache_file, key, kernels_dir)
    if cached is not None:
        return cached
    with _build_lock(cache_file):
        cached = None if rebuild else _cached_items(cache_file, key, kernels_dir)  # built while we waited
        if cached is not None:
            return cached
        items = _build_all(kernels_dir, include, cache_dir, settings, jobs)
        if cache_file is not None:
            atomic_write_json(cache_file, {"hash": key, "items": [it.to_json(kernels_dir) for it in items]}, indent=1)
    return items


def _build_all(kernels_dir: Path, include: Path, cache_dir: Path | None, settings: BuildSettings,
               jobs: int) -> list[HlsItem]:
    kernels = load_kernels(kernels_dir)
    variants = {k.name: [] if "bugs" in k.meta else generate_variants(k.source, settings.seed) for k in kernels}
    plans = plan_types(kernels, variants, settings)
    scratch = Path(tempfile.mkdtemp(prefix="hweval-hls-build-"))
    try:
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            futures = [pool.submit(_build_kernel, k, variants[k.name], plans[k.name], include, cache_dir, settings, scratch)
                       for k in kernels]
            items = [item for fut in futures for item in fut.result()]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    items.sort(key=lambda it: it.id)
    return items


def item_counts(items: list[HlsItem]) -> dict[str, int]:
    """Number of items by type (``control`` for the bug-free ones)."""
    counts: Counter[str] = Counter()
    for it in items:
        counts[it.type or "control"] += 1
    return dict(sorted(counts.items()))
