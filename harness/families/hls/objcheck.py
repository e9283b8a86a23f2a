"""What a fixed kernel can reach, read from the object file the compiler makes of it.

The fix is preprocessed and compiled in the sandbox (plain build flags); its object is compared
with the original kernel's and the testbench's (both our code, compiled by the harness):

* ``external``: every symbol the fix leaves undefined (calls into libraries) is one the
  original kernel needs too, one the HLS headers' own code can reference (:func:`header_externals`:
  the undefined symbols of :data:`HEADER_PROBE`, which instantiates the ap types and
  ``hls::stream``, and of :data:`MEMBER_PROBE`, which instantiates the base classes and proxies
  they leave alone; ``fprintf``/``fwrite`` to ``stderr``, ``exit``, ``abort``, ``__popcountdi2``,
  string streams, ``fegetround``...) or in :data:`SAFE_EXTERNALS` (math and memory functions, libgcc's bit
  helpers); a declared ``puts``,
  ``write``, ``syscall`` or ``_exit`` shows up here however its name was spelled in the source.
  The header allowance cannot be aimed: the text and token rules forbid naming these functions,
  ``__attribute__``, ``[[...]]`` and ``asm`` (so no weakref or asm label renames one), so a fix
  reaches them only through the headers' own code (their fixed warnings on ``stderr``, an error
  exit), and the verdict never reads printed text;
* ``interposition``: the fix defines no symbol that the C/C++ runtime exports or the testbench
  uses (a kernel-defined ``memcmp`` or ``strncpy`` would run in the testbench's place), no
  C (unmangled) symbol the original does not define, and no strong definition of a symbol the
  original defines weak (an explicit specialisation of an ``ap_fixed`` constructor would replace
  the testbench's own inline copy at link time);
* ``before-main``: its static initialisation is the original's (the headers'): the same
  ``.init_array``/``.fini_array``/``.ctors``/``.dtors``/TLS section sizes and the same size of
  the ``_GLOBAL__sub_I_``/``_GLOBAL__D_`` functions as the original's or as its ``#include`` lines
  alone make, so no constructor, attribute, section or
  global object with a constructor adds code that runs before (or after) ``main``; and no
  indirect function (``ifunc``: the loader calls its resolver before ``main``).

A ``weakref`` to a library function is an undefined (weak) reference to it in the object, so
``external`` sees it whatever the attribute's spelling.
"""
from __future__ import annotations

import fcntl
import functools
import json
import logging
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from harness.cache import atomic_write_json
from harness.proc import run_process

log = logging.getLogger(__name__)

_SPECIAL_SECTIONS = (".init_array", ".fini_array", ".preinit_array", ".ctors", ".dtors", ".tdata", ".tbss")
#: The functions of ``<cmath>`` that compute a value from their arguments only (C99/C++11 math
#: library: they may set ``errno`` and the floating-point exception flags, as plain arithmetic sets
#: the flags, and read the rounding mode; none changes the rounding mode, the environment or any
#: other state): a fix may call any of them in its ``double``, ``float`` (``f``) and ``long double``
#: (``l``) forms; ``sincos`` is GCC's merge of a ``sin`` and a ``cos`` of one value. Left out:
#: ``lgamma`` (writes the global ``signgam``) and everything of ``<cfenv>`` that changes the
#: floating-point environment (``fesetround``, ``feholdexcept``, ``fesetenv``, ``feupdateenv``,
#: ``feclearexcept``, ``feraiseexcept``, ``fesetexceptflag``, ``feenableexcept``...).
_MATH = """sqrt exp log log2 log10 pow sin cos tan asin acos atan atan2 sinh cosh tanh asinh acosh atanh fabs floor
    ceil round lround llround trunc fmod remainder remquo hypot fmin fmax fdim fma exp2 expm1 log1p logb ilogb cbrt
    erf erfc tgamma copysign nearbyint rint lrint llrint ldexp frexp modf scalbn scalbln nextafter nexttoward nan
    sincos""".split()
#: libgcc's helpers for the bit builtins a fix may use (``scan.PURE_BUILTINS``): each returns a
#: count, parity or swapped value of its argument and touches nothing else. GCC calls
#: ``__popcountdi2`` for ``__builtin_popcount*`` on x86-64 without ``-mpopcnt``; the others are
#: the same family on other targets and widths.
LIBGCC_BIT_HELPERS = frozenset(f"__{op}{mode}2" for op in ("popcount", "parity", "clz", "ctz")
                               for mode in ("si", "di", "ti")) | {"__bswapsi2", "__bswapdi2"}
#: Library symbols any fix may call: math (double, float and long double forms), memory copies, the
#: guards of function-local statics, stack protection, exception unwinding, ``assert`` and the
#: libgcc bit helpers.
SAFE_EXTERNALS = frozenset(
    [*_MATH, *(f"{m}f" for m in _MATH), *(f"{m}l" for m in _MATH), *LIBGCC_BIT_HELPERS,
     "memcpy", "memmove", "memset", "memcmp",
     "abs", "labs", "llabs",
     "__stack_chk_fail", "__cxa_guard_acquire", "__cxa_guard_release", "__cxa_guard_abort", "_GLOBAL_OFFSET_TABLE_",
     "__gxx_personality_v0", "_Unwind_Resume", "__assert_fail"])

#: Trusted code that instantiates every member of the ap types (one- and multi-word widths, every
#: quantisation and overflow mode) and ``hls::stream``: what the headers' own code can call.
HEADER_PROBE = """#include <ap_int.h>
#include <ap_fixed.h>
#include <hls_stream.h>
#define HW_INT(W) template class ap_int<W>; template class ap_uint<W>; template class ap_int_base<W, true>; \\
  template class ap_int_base<W, false>;
HW_INT(32) HW_INT(100)
#define HW_FX(W, I, Q, O) template class ap_fixed<W, I, Q, O>; template class ap_ufixed<W, I, Q, O>;
#define HW_FXQ(W, I) HW_FX(W, I, AP_TRN, AP_WRAP) HW_FX(W, I, AP_RND, AP_SAT) HW_FX(W, I, AP_RND_ZERO, AP_SAT_ZERO) \\
  HW_FX(W, I, AP_RND_MIN_INF, AP_SAT_SYM) HW_FX(W, I, AP_RND_INF, AP_WRAP_SM) HW_FX(W, I, AP_RND_CONV, AP_WRAP) \\
  HW_FX(W, I, AP_TRN_ZERO, AP_SAT)
HW_FXQ(16, 8) HW_FXQ(80, 30)
template class hls::stream<int>; template class hls::stream<ap_uint<32> >;
"""

#: Trusted code that instantiates every member of the classes the ap types inherit from or return
#: (``ap_fixed_base`` over the same widths and modes, the bit and range proxies), which
#: ``template class ap_fixed<...>`` leaves alone: ``to_double()``, ``to_float()`` and the conversion
#: operators to ``double``/``float`` are members of ``ap_fixed_base`` and call ``std::fegetround``
#: (honest round 15: every ap_fixed -> double conversion was ``external: fegetround``).
#: ``bitsToFixed`` does not compile for these widths (``ap_private`` has no ``set_bits``), so it
#: is replaced by an empty specialisation before the class is instantiated; no fix can call it
#: either. Compiled as its own object (beside :data:`HEADER_PROBE`, whose inlining it would change):
#: the header allowance is the union of both objects' undefined symbols.
MEMBER_PROBE = """#include <ap_int.h>
#include <ap_fixed.h>
#define HW_BASE(W, I, S, Q, O) \\
  template <> ap_fixed_base<W, I, S, Q, O, 0> ap_fixed_base<W, I, S, Q, O, 0>::bitsToFixed(ap_ulong) { \\
    return ap_fixed_base<W, I, S, Q, O, 0>(); } \\
  template struct ap_fixed_base<W, I, S, Q, O, 0>; \\
  template struct af_range_ref<W, I, S, Q, O, 0>; template struct af_bit_ref<W, I, S, Q, O, 0>;
#define HW_FX(W, I, Q, O) HW_BASE(W, I, true, Q, O) HW_BASE(W, I, false, Q, O)
#define HW_FXQ(W, I) HW_FX(W, I, AP_TRN, AP_WRAP) HW_FX(W, I, AP_RND, AP_SAT) HW_FX(W, I, AP_RND_ZERO, AP_SAT_ZERO) \\
  HW_FX(W, I, AP_RND_MIN_INF, AP_SAT_SYM) HW_FX(W, I, AP_RND_INF, AP_WRAP_SM) HW_FX(W, I, AP_RND_CONV, AP_WRAP) \\
  HW_FX(W, I, AP_TRN_ZERO, AP_SAT)
HW_FXQ(16, 8) HW_FXQ(80, 30)
#define HW_REF(W) template struct ap_range_ref<W, true>; template struct ap_range_ref<W, false>; \\
  template struct ap_bit_ref<W, true>; template struct ap_bit_ref<W, false>;
HW_REF(32) HW_REF(100)
"""


@dataclass
class ObjInfo:
    """The parts of an object's section and symbol tables the rules read."""

    sections: dict[str, int] = field(default_factory=dict)  # special section -> total size
    undefined: list[str] = field(default_factory=list)
    defined: dict[str, str] = field(default_factory=dict)  # global/weak symbol -> binding
    init_size: int = 0  # total size of the _GLOBAL__sub_I_/_GLOBAL__D_ functions
    ifunc: list[str] = field(default_factory=list)  # defined indirect functions (resolved before main)
    instructions: list[str] = field(default_factory=list)  # BANNED_INSTRUCTIONS in its code (objdump -d)

    @classmethod
    def from_json(cls, data: dict[str, object]) -> ObjInfo:
        return cls(**data)  # type: ignore[arg-type]


def read_object(path: Path, instructions: bool = True) -> ObjInfo:
    """Section and symbol tables of ``path`` via ``readelf`` (raises OSError when it fails), and
    with ``instructions`` its :data:`BANNED_INSTRUCTIONS` (``objdump -d``)."""
    res = run_process(["readelf", "-W", "-S", "-s", str(path)], timeout_s=60, cap_bytes=64 * 1024 * 1024)
    if not res.ok:
        raise OSError(f"readelf failed on {path.name}: {res.stderr.strip()[-300:]}")
    info = ObjInfo()
    for line in res.stdout.split("\n"):
        parts = line.split()
        if line.lstrip().startswith("[") and "]" in line:
            sec = line.split("]", 1)[1].split()
            if len(sec) >= 6 and any(sec[0] == s or sec[0].startswith(s + ".") for s in _SPECIAL_SECTIONS):
                info.sections[sec[0].split(".")[1]] = info.sections.get(sec[0].split(".")[1], 0) + int(sec[4], 16)
        elif len(parts) >= 8 and parts[0].endswith(":") and parts[0][:-1].isdigit():
            size, typ, bind, ndx, name = parts[2], parts[3], parts[4], parts[6], parts[-1]
            if typ == "FUNC" and name.startswith(("_GLOBAL__sub_I_", "_GLOBAL__D_", "_GLOBAL__I_")):
                info.init_size += int(size, 0)
            if typ in ("IFUNC", "GNU_IFUNC") and ndx != "UND":
                info.ifunc.append(name)
            if bind in ("GLOBAL", "WEAK", "UNIQUE"):
                if ndx == "UND":
                    info.undefined.append(name)
                else:
                    info.defined[name] = bind
    info.undefined.sort()
    info.instructions = banned_instructions(path) if instructions else []
    return info


#: Instructions no compiled kernel holds (GCC emits none of them for C++ without ``asm`` or
#: builtins): raw system calls and software interrupts, far calls and returns through gates, port
#: I/O, privileged and timing or randomness instructions; ``(bad)``: bytes that do not decode.
BANNED_INSTRUCTIONS = frozenset("""
    syscall sysenter sysexit sysexitl sysexitq sysret sysretl sysretq int int1 int3 into icebp iret iretw iretl
    iretq lcall ljmp lret lretq in inb inw inl out outb outw outl ins insb insw insl insd outs outsb outsw outsl
    outsd hlt cli sti rdmsr wrmsr rdpmc rdtsc rdtscp rdpid rdrand rdseed rdpkru wrpkru xbegin xend xabort vmcall
    vmmcall vmfunc svc hvc smc (bad)
""".split())
_PREFIXES = frozenset("lock rep repz repnz repe repne notrack bnd data16 data32 addr16 addr32 cs ds ss es fs gs "
                      "xacquire xrelease rex rex.w rex.r rex.x rex.b".split())
_INSN = re.compile(r"^\s*[0-9a-f]+:\s+(.+)$")


def banned_instructions(path: Path) -> list[str]:
    """The :data:`BANNED_INSTRUCTIONS` in the code sections of object ``path`` (``objdump -d``,
    a linear sweep), sorted; raises OSError when objdump fails."""
    res = run_process(["objdump", "-d", "-w", "--no-show-raw-insn", str(path)], timeout_s=60,
                      cap_bytes=256 * 1024 * 1024)
    if not res.ok:
        raise OSError(f"objdump failed on {path.name}: {res.stderr.strip()[-300:]}")
    found: set[str] = set()
    for line in res.stdout.split("\n"):
        m = _INSN.match(line)
        if m is None:
            continue
        words = m.group(1).split()
        mnemonic = next((w for w in words if w not in _PREFIXES and not w.startswith("rex")), "")
        if mnemonic in BANNED_INSTRUCTIONS:
            found.add(mnemonic)
    return sorted(found)


@functools.lru_cache(maxsize=4)
def runtime_exports(cxx: str = "g++") -> frozenset[str]:
    """Symbols the C/C++ runtime libraries export (``nm -D --defined-only``)."""
    names: set[str] = set()
    for lib in ("libstdc++.so.6", "libc.so.6", "libm.so.6", "libgcc_s.so.1"):
        path = subprocess.run([cxx, f"-print-file-name={lib}"], capture_output=True, text=True, check=False).stdout.strip()
        if not path or not os.path.isfile(path):
            continue
        res = run_process(["nm", "-D", "--defined-only", path], timeout_s=60, cap_bytes=64 * 1024 * 1024)
        names.update(ln.split()[-1].split("@")[0] for ln in res.stdout.split("\n") if len(ln.split()) >= 3)
    return frozenset(names)


def check_object(cand: ObjInfo, ref: ObjInfo, tb: ObjInfo, runtime: frozenset[str],
                 headers: frozenset[str] = frozenset(), header_init: int | None = None) -> str | None:
    """The first rule the fix's object breaks, or None. ``header_init``: the size of the static
    initialisation the original's ``#include`` lines alone make (a fix may keep the original's, or
    drop its own globals' and keep only its headers')."""
    extra_insn = sorted(set(cand.instructions) - set(ref.instructions))
    if extra_insn:
        return (f"instruction: the fix's code holds `{extra_insn[0]}` (a raw system call, interrupt, port I/O, "
                "privileged, timing or undecodable instruction: no compiled kernel holds one)")
    for sec in sorted(set(cand.sections) | set(ref.sections)):
        if cand.sections.get(sec, 0) != ref.sections.get(sec, 0):
            return f"before-main: the fix changes the .{sec} section (code that runs before or after main)"
    extra_ifunc = sorted(set(cand.ifunc) - set(ref.ifunc))
    if extra_ifunc:
        return (f"before-main: the fix defines `{extra_ifunc[0]}` as an indirect function (its resolver runs "
                "while the program is loaded, before main)")
    if cand.init_size not in (ref.init_size, header_init):
        return ("before-main: the fix adds static initialisation (a global object with a constructor, or other "
                "code that runs before main)")
    allowed = set(ref.undefined) | SAFE_EXTERNALS | headers
    extra = [s for s in cand.undefined if s not in allowed and s not in cand.defined]
    if extra:
        return (f"external: the fix calls `{extra[0]}`, which neither the original kernel nor the HLS headers use "
                "(a fix may call only its own code, the HLS headers and listed math/memory functions)")
    tb_undefined = set(tb.undefined)
    for name, bind in sorted(cand.defined.items()):
        if name in ref.defined and bind == "GLOBAL" and ref.defined[name] != "GLOBAL":
            return (f"interposition: the fix gives `{name}` a strong definition where the headers' is weak (an "
                    "explicit specialisation replaces the copy the testbench and the headers use)")
        if name in ref.defined:
            continue
        if name in runtime or name in tb_undefined or (name in tb.defined and bind == "GLOBAL"):
            return f"interposition: the fix defines `{name}`, a symbol of the testbench or the C/C++ runtime"
        if not name.startswith("_Z"):
            return f"interposition: the fix defines the C symbol `{name}` (the original kernel does not)"
    return None


def compile_info(cmd: list[str], src_dir: Path, out_name: str, timeout_s: float = 120,
                 instructions: bool = True) -> ObjInfo:
    """Compile trusted code directly (``cmd`` writes ``out_name`` in ``src_dir``) and read it
    (``instructions``: also disassemble it, see :func:`read_object`)."""
    res = run_process(cmd, cwd=src_dir, timeout_s=timeout_s)
    if not res.ok:
        raise OSError(f"compile of trusted code failed: {res.stderr.strip()[-300:]}")
    return read_object(src_dir / out_name, instructions)


def _read_infos(path: Path) -> dict[str, ObjInfo] | None:
    if not path.is_file():
        return None
    try:
        return {k: ObjInfo.from_json(v) for k, v in json.loads(path.read_text()).items()}
    except (OSError, ValueError, TypeError):
        return None


def cached_infos(cache_root: Path | None, key: str, make: Callable[[], dict[str, ObjInfo]]) -> dict[str, ObjInfo]:
    """``make()`` (returning ``{name: ObjInfo}``) cached as JSON under ``cache_root/objinfo``, made
    once per entry: under a lock beside it, so the threads of a run and the processes that share the
    cache folder (the header probes take about 50 CPU-s) wait for the first and read what it wrote."""
    if cache_root is None:
        return make()
    path = cache_root / "objinfo" / f"{key[:40]}.json"
    hit = _read_infos(path)
    if hit is not None:
        return hit
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        hit = _read_infos(path)  # made while we waited
        if hit is not None:
            return hit
        infos = make()
        atomic_write_json(path, {k: asdict(v) for k, v in infos.items()})
    return infos


def header_externals(base: list[str], cache_root: Path | None, key: str) -> frozenset[str]:
    """The undefined symbols of :data:`HEADER_PROBE` and :data:`MEMBER_PROBE` compiled with
    ``base`` (the fix's compile command without ``-c``/``-o``), cached under ``key`` (which must
    name the probes, the command, the compiler and the headers). Raises OSError when a compile fails."""
    def make() -> dict[str, ObjInfo]:
        work = Path(tempfile.mkdtemp(prefix="hweval-hls-probe-"))
        try:
            out = {}
            for name, text in (("headers", HEADER_PROBE), ("members", MEMBER_PROBE)):
                (work / f"{name}.cpp").write_text(text)
                # only the undefined symbols are read: no disassembly (the member probe's object
                # is 3 MB; objdump of it took over a minute on a loaded machine)
                out[name] = compile_info([*base, "-c", f"{name}.cpp", "-o", f"{name}.o"], work, f"{name}.o", 900,
                                         instructions=False)
            return out
        finally:
            shutil.rmtree(work, ignore_errors=True)

    infos = cached_infos(cache_root, key, make)
    return frozenset(s for name in ("headers", "members") if name in infos for s in infos[name].undefined)
