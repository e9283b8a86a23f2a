"""What the harness adds to, and demands of, an HLS testbench (issue 14).

* **Seeded stimulus.** Every testbench draws the random part of its stimulus from a seed the
  harness can set: it defines ``void hweval_seed(unsigned)`` or a ``static unsigned lcg_state``
  (:func:`seed_hook`). A kernel folder whose ``tb.cpp`` has neither is refused when the suite is
  loaded (:func:`check_testbench`, called by :func:`harness.families.hls.build.load_kernels`), so
  no item can be answered with a table of its expected outputs.
* **Inputs the kernel may not change.** The harness's translation unit of the testbench
  (:func:`input_check_text`) routes every call of the kernel's top function (``top`` in
  ``meta.toml``) through a wrapper that copies the bytes of each argument the kernel takes as
  ``const`` (pointer or reference to const: a whole array when the testbench passes one) before
  the call and compares them after it. A kernel that changed one (a cast, a header's
  ``const_cast``, ``memcpy``, a union...) fails: ``MISMATCH: the kernel changed its const input
  ...`` at that call, and ``TB FAIL`` when the testbench returns, whatever the testbench then
  computes from the changed input.

Compiled with ``-DHWEVAL_STIMULUS_DIGEST`` (tests only, never by the harness's builds) the wrapper
also folds every argument of every call into a hash, taken before the call (an input stream is
drained and refilled), and prints it at exit as ``HWEVAL-STIMULUS <hex>``: two seeds that give
the same hash mean the seed does not reach the kernel's inputs. Compiled with
``-DHWEVAL_IN_PROCESS`` (tests only, never by the harness's builds: their flags are fixed in
:mod:`harness.families.hls.csim`) the wrapper calls the kernel linked into the same program
instead of the kernel process (:mod:`harness.families.hls.kernel_link`).
"""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

from harness.families.hls import kernel_link

_SEED_HOOK = re.compile(r"^\s*(?:static\s+)?void\s+hweval_seed\s*\(\s*unsigned", re.MULTILINE)
_LCG_STATE = re.compile(r"^\s*static\s+unsigned(?:\s+int)?\s+lcg_state\s*=", re.MULTILINE)
_IDENT = re.compile(r"[A-Za-z_]\w*")


def seed_hook(tb_text: str) -> str | None:
    """The statement that reseeds the testbench's stimulus with ``seed``, or None without a hook."""
    if _SEED_HOOK.search(tb_text):
        return "hweval_seed(seed);"
    if _LCG_STATE.search(tb_text):
        return "lcg_state = seed;"
    return None


def top_of(folder: Path) -> str | None:
    """The kernel's top function named by ``folder/meta.toml`` (None without one)."""
    meta = folder / "meta.toml"
    if not meta.is_file():
        return None
    try:
        top = tomllib.loads(meta.read_text()).get("top")
    except (OSError, tomllib.TOMLDecodeError):
        return None
    return top if isinstance(top, str) and _IDENT.fullmatch(top) else None


def check_testbench(folder: Path) -> str | None:
    """Why the testbench of kernel folder ``folder`` is not acceptable, or None."""
    tb = folder / "tb.cpp"
    if not tb.is_file():
        return None
    text = tb.read_text(errors="replace")
    if seed_hook(text) is None:
        return (f"{tb}: no seeded stimulus: define `void hweval_seed(unsigned)` (or a `static unsigned lcg_state`) "
                "and draw the random part of the stimulus from it")
    top = top_of(folder)
    if top is None:
        return (f"{folder / 'meta.toml'}: names no top function (`top = \"<name>\"`): the kernel runs in a "
                "process of its own and the testbench calls it only through its top function")
    if not re.search(rf"\b{top}\s*\(", text):
        return f"{tb}: never calls the top function `{top}` named in meta.toml"
    return None


_CHECK_LIB = r"""
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <type_traits>
#include <utility>
#ifdef HWEVAL_STIMULUS_DIGEST
#include "hls_stream.h"
#endif
namespace hweval_in {
static int changed = 0;
#ifdef HWEVAL_STIMULUS_DIGEST
static unsigned long long digest = 1469598103934665603ull;
static void fold(const void *p, std::size_t n) {
    for (std::size_t i = 0; i < n; i++) digest = (digest ^ ((const unsigned char *)p)[i]) * 1099511628211ull;
}
struct Report { ~Report() { std::printf("HWEVAL-STIMULUS %016llx\n", digest); } } report;
template <typename T> void feed(hls::stream<T> &s) {
    std::size_t n = s.size();
    for (std::size_t i = 0; i < n; i++) { T v = s.read(); fold(&v, sizeof v); s.write(v); }
}
template <typename T, std::size_t N> void feed(T (&a)[N]) { fold(&a, sizeof a); }
template <typename T> void feed(T *const &p) { if (p) fold(p, sizeof(*p)); }
template <typename T> void feed(T &a) { fold(&a, sizeof a); }
#endif
struct Snap {
    const void *at[32];
    void *copy[32];
    std::size_t size[32];
    int arg[32];
    int n = 0;
    void add(const void *p, std::size_t bytes, int index) {
        if (p == nullptr || bytes == 0 || n == 32) return;
        void *c = std::malloc(bytes);
        if (c == nullptr) return;
        std::memcpy(c, p, bytes);
        at[n] = p; copy[n] = c; size[n] = bytes; arg[n] = index; n++;
    }
    ~Snap() {
        for (int i = 0; i < n; i++) {
            if (std::memcmp(at[i], copy[i], size[i]) != 0) {
                std::printf("MISMATCH: the kernel changed its const input (argument %d of %s)\n", arg[i] + 1, name);
                changed++;
            }
            std::free(copy[i]);
        }
    }
    const char *name = "";
};
template <typename T, std::size_t N> void region(Snap &s, int i, T (&a)[N]) { s.add(&a, sizeof a, i); }
template <typename T> void region(Snap &s, int i, T *const &p) { if (p) s.add(p, sizeof(*p), i); }
template <typename T> void region(Snap &s, int i, T &a) { s.add(&a, sizeof a, i); }
template <typename P> struct const_input : std::integral_constant<bool,
    (std::is_pointer<P>::value && std::is_const<typename std::remove_pointer<P>::type>::value) ||
    (std::is_reference<P>::value && std::is_const<typename std::remove_reference<P>::type>::value)> {};
#ifdef HWEVAL_STIMULUS_DIGEST
template <typename P, typename A> void one(Snap &s, int i, A &a, std::true_type) { feed(a); region(s, i, a); }
template <typename P, typename A> void one(Snap &, int, A &a, std::false_type) { feed(a); }
#else
template <typename P, typename A> void one(Snap &s, int i, A &a, std::true_type) { region(s, i, a); }
template <typename P, typename A> void one(Snap &, int, A &, std::false_type) {}
#endif
template <typename R, typename... P, std::size_t... I, typename... A>
void take(Snap &s, R (*)(P...), std::index_sequence<I...>, A &...a) {
    int unused[] = {0, (one<P>(s, (int)I, a, const_input<P>{}), 0)...};
    (void)unused;
}
}  // namespace hweval_in
"""


def input_check_text(tb_text: str, top: str | None) -> str:
    """The C++ that goes before ``#include "tb.cpp"``: the testbench's own headers, then the
    checked call of ``top`` (empty without a top function)."""
    if top is None:
        return ""
    headers = kernel_link.local_includes(tb_text)
    return f"""{headers}{_CHECK_LIB}{kernel_link.tb_link_text()}
template <typename... A> static decltype(auto) hweval_checked_{top}(A &&...a) {{
    hweval_in::Snap snap;
    snap.name = "{top}";
    hweval_in::take(snap, static_cast<decltype(&{top})>(nullptr), std::index_sequence_for<A...>{{}}, a...);
#ifdef HWEVAL_IN_PROCESS
    return ({top})(std::forward<A>(a)...);  // tests only (one program, no kernel process); never a harness build
#else
    return {kernel_link.tb_call(top)};
#endif
}}
#define {top}(...) hweval_checked_{top}(__VA_ARGS__)
"""


#: What the harness's ``main`` does after the testbench returned ``rc``.
INPUT_VERDICT = """    if (hweval_in::changed) {
        std::printf("TB FAIL: the kernel changed %d const input(s) of the testbench\\n", hweval_in::changed);
        rc = 1;
    }
"""
