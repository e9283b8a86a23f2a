"""HLS (issue 14, round 8): the kernel program writes no file that a later step reads.

Since round 7 the candidate's kernel runs in a program of its own (the kernel program), beside
the testbench program, under the judge (:mod:`harness.families.hls.judge`). Before round 8 it
ran with the scratch folder as its writable working folder, and C-simulation then built the next
build's testbench program and host object in that same folder, from the files found there, and
cached them under the key of the suite's testbench. A kernel that found libc's ``open`` and
``write`` at run time (round 7's ELF walk from ``&memcpy``, which names nothing the gate sees)
replaced ``hweval_tb.cpp`` during the ``plain`` run: the ``sanitize`` and ``pattern`` testbench
programs were compiled from its text (a ``main`` that reports a pass), cached, and every later
evaluation of that kernel folder passed those builds, whatever its kernel did.

Now each build runs in a folder of its own, made fresh, whose trusted parts (testbench program,
host object) are built from the harness's own bytes before any candidate code runs there, and
the judge takes away the kernel program's right to create, change or remove any file (Landlock,
a system-call filter that holds without Landlock too, and a file-size limit of zero). These tests
show the attack contained, the probe that lists what the kernel program can touch (under
bubblewrap and docker), a changed cached program not used, and the honest fix still passing.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.hls_bugs import KERNELS_DIR
from harness.families.hls.csim import csim
from harness.families.hls.items import HlsItem
from harness.families.hls.sandboxed import sandbox_runner
from harness.families.hls.score import fix_at_exec
from harness.sandbox.base import Limits, Sandbox
from tests.hls.pch import warm_cache

pytestmark = pytest.mark.slow

KERNEL = KERNELS_DIR / "isqrt"
ORIGINAL = (KERNEL / "kernel.cpp").read_text()
BUGGY = ORIGINAL.replace("rem -= root + bit;", "rem -= root;")  # wrong roots, no memory error
INCLUDE = '#include "kernel.h"\n'
LOOP = "    for (int i = 0; i < SQ_LEN; i++) {\n        out[i]"

#: Round 7's ELF walk (libc's dynamic symbol table from ``&memcpy``), turned to files: it finds
#: ``open``, ``write`` and ``close`` and writes ``hweval_tb.cpp`` (the testbench program's
#: source) and ``hweval_kernel_host.cpp`` as a ``main`` that reports a pass to the judge.
PLANT = r"""static const char *hw_p(unsigned long a) { const char *p; memcpy(&p, &a, sizeof p); return p; }
static unsigned long hw_rd(unsigned long a, unsigned long n) { unsigned long v = 0; memcpy(&v, hw_p(a), n); return v; }
static unsigned long hw_sym(unsigned long b, unsigned long st, unsigned long sy, const char *nm, unsigned long nl) { for (unsigned long k = 1; k < 40000; k++) { unsigned long s = sy + 24 * k; if (hw_rd(s + 6, 2) != 0 && memcmp(hw_p(st + hw_rd(s, 4)), nm, nl + 1) == 0) return b + hw_rd(s + 8, 8); } return 0; }
static unsigned long hw_libc(const char *nm, unsigned long nl) { void *(*m)(void *, const void *, unsigned long) = memcpy; unsigned long b; memcpy(&b, &m, sizeof b); b &= ~0xfffUL; while (hw_rd(b, 4) != 0x464c457fUL) b -= 0x1000; unsigned long ph = b + hw_rd(b + 32, 8), dy = 0, st = 0, sy = 0; for (unsigned long i = 0; i < hw_rd(b + 56, 2); i++) if (hw_rd(ph + 56 * i, 4) == 2) dy = b + hw_rd(ph + 56 * i + 16, 8); for (; hw_rd(dy, 8) != 0; dy += 16) { if (hw_rd(dy, 8) == 5) st = hw_rd(dy + 8, 8); if (hw_rd(dy, 8) == 6) sy = hw_rd(dy + 8, 8); } if (st < b) st += b; if (sy < b) sy += b; return hw_sym(b, st, sy, nm, nl); }
static const char hw_src[] = "#include <unistd.h>\nint main() { if (write(1, \"TB PASS\\n\", 8) < 0 || write(3, \"0\\n\", 2) < 0) return 1; return 0; }\n";
static void hw_plant(const char *name) { int (*o)(const char *, int, unsigned); long (*w)(int, const void *, unsigned long); int (*c)(int); unsigned long oa = hw_libc("open", 4), wa = hw_libc("write", 5), ca = hw_libc("close", 5); memcpy(&o, &oa, sizeof o); memcpy(&w, &wa, sizeof w); memcpy(&c, &ca, sizeof c); int fd = o(name, 0x241, 0644); if (fd >= 0) { w(fd, hw_src, sizeof hw_src - 1); c(fd); } }
"""
CALL = 'hw_plant("hweval_tb.cpp"); hw_plant("hweval_kernel_host.cpp");'


def _with(body: str, payload: str, call: str) -> str:
    body = body.removeprefix(INCLUDE).replace(LOOP, f"    {call}\n{LOOP}", 1)
    assert call in body
    return INCLUDE + payload + body


#: The attack: the right fix (it must pass ``plain`` for the later builds to run), planting files.
ATTACK = _with(ORIGINAL, PLANT, CALL)

#: What the kernel program can touch: with the gate off (``csim`` alone), plain ``fopen`` of a
#: file in its working folder, in ``/tmp``, in ``/dev/shm`` and in the cache's precompiled headers
#: (``@PCH@``, the one cache folder the sandbox shows), creating a folder, removing and renaming the
#: testbench's files; each outcome printed on its standard error (the judge relays it).
PROBE = _with(ORIGINAL, r"""#include <cstdio>
#include <sys/stat.h>
#include <unistd.h>
static void hw_try(const char *what, bool ok) { std::fprintf(stderr, "PROBE %s %s\n", what, ok ? "yes" : "no"); }
static void hw_probe() { static bool done = false; if (done) return; done = true;
  std::FILE *f = std::fopen("planted.txt", "w"); hw_try("cwd-create", f != nullptr && std::fputs("x", f) >= 0 && std::fclose(f) == 0);
  f = std::fopen("tb.cpp", "a"); hw_try("cwd-append", f != nullptr && std::fputs("//x\n", f) >= 0 && std::fclose(f) == 0);
  f = std::fopen("/tmp/planted.txt", "w"); hw_try("tmp-create", f != nullptr && std::fputs("x", f) >= 0 && std::fclose(f) == 0);
  f = std::fopen("/dev/shm/planted.txt", "w"); hw_try("shm-create", f != nullptr && std::fputs("x", f) >= 0 && std::fclose(f) == 0);
  f = std::fopen("@PCH@/planted.txt", "w"); hw_try("pch-create", f != nullptr && std::fputs("x", f) >= 0 && std::fclose(f) == 0);
  hw_try("mkdir", mkdir("planted.d", 0755) == 0);
  hw_try("rename", std::rename("kernel.h", "kernel.h.old") == 0);
  hw_try("unlink", unlink("tb.cpp") == 0);
}
""", "hw_probe();")
PROBES = ("cwd-create", "cwd-append", "tmp-create", "shm-create", "pch-create", "mkdir", "rename", "unlink")


def _item() -> HlsItem:
    line = next(i for i, ln in enumerate(BUGGY.split("\n"), 1) if "rem -= root;" in ln)
    return HlsItem(id="isqrt/OP_1", kernel="isqrt", code=BUGGY, original=ORIGINAL, types=["OP"],
                   spans=[(line, line)], symptom={"build": "plain", "status": "fail", "text": ""},
                   header=(KERNEL / "kernel.h").read_text(), kernel_dir=KERNEL)


@pytest.fixture
def cache(hls_cache: Path, tmp_path: Path) -> Path:
    """A cache with only the precompiled headers: every testbench program is built in the test."""
    return warm_cache(hls_cache, tmp_path / "cache")


def test_a_kernel_that_rewrites_the_testbench_poisons_no_build(bwrap_sandbox: Sandbox, cache: Path,
                                                               tmp_path: Path) -> None:
    """The attack through the whole pipeline (gate on), then a wrong kernel against the same cache:
    the wrong kernel fails every build, the ``sanitize`` and ``pattern`` testbench programs built
    after the attack's ``plain`` run included (before round 8 they were the planted ``main``)."""
    verdict = fix_at_exec(_item(), ATTACK, tmp_path / "attack", cache=cache, sandbox=bwrap_sandbox, limits=Limits())
    if verdict.status == "rejected":  # the gate saw it (it did not in round 8): show the builds with the gate off
        verdict = fix_at_exec(_item(), ATTACK, tmp_path / "attack-nogate", cache=cache, sandbox=bwrap_sandbox,
                              limits=Limits(), gate=False)
    # its kernel is right and ran (and tried to plant) in the plain build; before round 8 the next
    # two builds then ran the planted main and passed, now they run the suite's testbench (the walk
    # from memcpy meets AddressSanitizer's interceptor there and crashes)
    assert verdict.builds.get("plain") == "pass", verdict
    assert verdict.status != "pass" or set(verdict.builds) == {"plain", "sanitize", "pattern"}, verdict
    runner = sandbox_runner(bwrap_sandbox, Limits(), [cache / "pch"])
    for build in ("plain", "sanitize", "pattern"):
        res = csim(BUGGY, KERNEL / "tb.cpp", tmp_path / f"wrong-{build}", cache=cache, builds=(build,),
                   runner=runner)
        assert res.status == "fail" and "MISMATCH" in res.builds[build].output, (build, res.symptom)


def test_the_kernel_program_can_change_no_file(bwrap_sandbox: Sandbox, cache: Path, tmp_path: Path) -> None:
    """With the gate off, the probe kernel creates, changes, renames and removes nothing, anywhere:
    every attempt fails, the kernel itself still passes, and its folders hold no planted file
    (before round 8 every attempt succeeded). The judge's system-call filter refuses these where the
    machine's kernel has no Landlock too (``test_hls_rt8.py`` runs an evaluation without it)."""
    runner = sandbox_runner(bwrap_sandbox, Limits(), [cache / "pch"])
    probe = PROBE.replace("@PCH@", str((cache / "pch").resolve()))
    res = csim(probe, KERNEL / "tb.cpp", tmp_path / "probe", cache=cache, runner=runner)
    assert res.passed, {b: (r.status, r.symptom, r.output[-600:]) for b, r in res.builds.items()}
    for build, out in res.builds.items():
        seen = {ln.split()[1]: ln.split()[2] for ln in out.output.splitlines() if ln.startswith("PROBE ")}
        assert seen == dict.fromkeys(PROBES, "no"), (build, seen, out.output[-800:])
    left = sorted(p.name for p in (tmp_path / "probe").rglob("*") if "planted" in p.name or p.name.endswith(".old"))
    assert left == [], left
    assert not any("planted" in p.name for p in cache.rglob("*"))


def test_a_cached_program_that_was_changed_is_not_used(bwrap_sandbox: Sandbox, cache: Path, tmp_path: Path) -> None:
    """Each cached testbench program and host object carries the sha256 of its bytes: a program
    swapped in the cache after it was stored (here for a ``main`` that reports a pass, its digest
    line kept) is built again, and a wrong kernel still fails."""
    import subprocess

    runner = sandbox_runner(bwrap_sandbox, Limits(), [cache / "pch"])
    assert csim(ORIGINAL, KERNEL / "tb.cpp", tmp_path / "first", cache=cache, builds=("plain",), runner=runner).passed
    (stored,) = sorted((cache / "tbexe").rglob("*.bin"))
    forged_src = tmp_path / "forged.cpp"
    forged_src.write_text('#include <unistd.h>\nint main() { return write(1, "TB PASS\\n", 8) < 0 || write(3, "0\\n", 2) < 0; }\n')
    subprocess.run(["g++", str(forged_src), "-o", str(tmp_path / "forged")], check=True)
    head = stored.read_bytes().partition(b"\n")[0]
    stored.write_bytes(head + b"\n" + (tmp_path / "forged").read_bytes())
    res = csim(BUGGY, KERNEL / "tb.cpp", tmp_path / "wrong", cache=cache, builds=("plain",), runner=runner)
    assert res.status == "fail" and "MISMATCH" in res.builds["plain"].output, res.symptom


def test_the_kernel_program_can_change_no_file_under_docker(docker_sandbox: Sandbox, tmp_path: Path) -> None:
    """The same probe in the docker sandbox (``plain`` build, no precompiled headers): the judge's
    confinement holds under the engine's own seccomp profile, and the right kernel still passes."""
    cache = tmp_path / "cache"
    runner = sandbox_runner(docker_sandbox, Limits(), [cache / "pch"])
    probe = PROBE.replace("@PCH@", str((cache / "pch").resolve()))
    res = csim(probe, KERNEL / "tb.cpp", tmp_path / "probe", cache=cache, builds=("plain",), runner=runner, pch=False)
    out = res.builds["plain"]
    assert res.passed, (out.status, out.symptom, out.output[-600:])
    seen = {ln.split()[1]: ln.split()[2] for ln in out.output.splitlines() if ln.startswith("PROBE ")}
    assert seen == dict.fromkeys(PROBES, "no"), (seen, out.output[-800:])
