"""The kernel in a process of its own (issue 14): the testbench calls it over a pipe.

C-simulation used to link the candidate's kernel into the testbench's program, so kernel code
shared the address space, the descriptors and the exit path of the code that reports the
verdict: a kernel that found a system call at run time (walking libc's symbol table from an
allowed function's address, red team round 7) or wrote into the testbench's expected values
through a computed pointer could forge a pass, and only the static gate stood in the way.

Now two programs run side by side under the judge (:mod:`harness.families.hls.judge`):

* the **testbench program**: ``tb.cpp`` and the harness's ``main``, linked WITHOUT the kernel.
  Every call of the top function goes through :data:`TB_LINK` (``hweval_link::call``), which
  sends each argument's bytes down a pipe, waits, and copies back what the kernel may change;
* the **kernel program**: the candidate's ``kernel.cpp`` and :func:`host_text`, whose ``main``
  reads a call, builds the arguments in its own memory, calls the top function and sends the
  results back.

What crosses the pipe, per parameter of the top function (its declared type ``P``):

* ``T *`` (an array parameter): the argument's elements, all of them when the testbench passes
  an array (its extent), one when it passes a pointer, none for a null pointer; sent back
  unless ``T`` is const;
* ``hls::stream<E> &``: the stream's elements (drained, in order); the kernel's stream is sent
  back whole and refills the testbench's (so an input stream keeps what the kernel did not read
  and an output stream gets what it wrote);
* any other non-const reference: the object's bytes, there and back;
* a value or a const reference: the value's bytes (converted to the parameter's type on the
  testbench's side, as the call would), there only;

then the return value's bytes. The kernel program keeps running between calls, so ``static``
state of the kernel lives on from call to call as before. The kernel program has no descriptor
to the judge, never sees the testbench's memory, and its only influence on the verdict is the
bytes of its outputs: exactly what the testbench checks. A kernel that ends, crashes or answers
with the wrong number of bytes makes the testbench print ``MISMATCH`` and exit 1 (``fail``, or
``runtime_error`` when the sanitizer reports why); one that hangs is a ``timeout``.

What an item must satisfy: ``meta.toml`` names the top function (``top``), the testbench calls
only it of the kernel's functions (the testbench program is linked without the kernel: any
other kernel symbol is an undefined reference, reported as the suite's ``infra_error``), and
its parameters are arrays/pointers, streams, references or values of trivially copied types
(ap types, integers, floats, plain structs), which is what HLS top functions take.
"""
from __future__ import annotations

import re

from harness.families.hls.guardbands import GUARD_LIB

#: Descriptors of the pipes: the testbench writes calls on 4 and reads results on 5; the kernel
#: program reads calls on 3 and writes results on 4 (:mod:`harness.families.hls.judge` sets
#: them up; the kernel's standard output goes to the judge's standard error).
TB_TO_KERNEL, TB_FROM_KERNEL = 4, 5
KERNEL_FROM_TB, KERNEL_TO_TB = 3, 4

_COMMON = r"""
#include "hls_stream.h"
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>
#include <unistd.h>
namespace @NS@ {
static const std::uint64_t NULL_COUNT = ~(std::uint64_t)0;
static const std::uint64_t MAX_BYTES = (std::uint64_t)1 << 31;
static void lost(const char *why);
static void send_raw(const void *p, std::size_t n) {
    const char *b = (const char *)p;
    while (n > 0) {
        ssize_t w = ::write(@OUT@, b, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) lost("the other side of the kernel link stopped reading");
        b += w;
        n -= (std::size_t)w;
    }
}
static void recv_raw(void *p, std::size_t n) {
    char *b = (char *)p;
    while (n > 0) {
        ssize_t r = ::read(@IN@, b, n);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) lost("the other side of the kernel link ended");
        b += r;
        n -= (std::size_t)r;
    }
}
static void send_blob(const void *p, std::uint64_t n) {
    send_raw(&n, sizeof n);
    if (n) send_raw(p, (std::size_t)n);
}
static std::uint64_t recv_len() {
    std::uint64_t n = 0;
    recv_raw(&n, sizeof n);
    if (n > MAX_BYTES) lost("the kernel link sent an oversized block");
    return n;
}
static void recv_blob(void *p, std::uint64_t n) {
    if (recv_len() != n) lost("the kernel link sent a block of the wrong size");
    if (n) recv_raw(p, (std::size_t)n);
}
template <typename T> struct is_stream : std::false_type {};
template <typename E> struct is_stream<hls::stream<E>> : std::true_type {};
template <typename S> struct elem_of;
template <typename E> struct elem_of<hls::stream<E>> { typedef E type; };
struct by_pointer {};
struct by_stream {};
struct by_ref {};
struct by_value {};
template <typename P> struct kind_of {
    typedef typename std::remove_reference<P>::type T;
    typedef typename std::conditional<
        std::is_pointer<P>::value, by_pointer,
        typename std::conditional<
            std::is_lvalue_reference<P>::value && !std::is_const<T>::value,
            typename std::conditional<is_stream<T>::value, by_stream, by_ref>::type,
            by_value>::type>::type type;
};
template <typename E> static void send_stream(hls::stream<E> &s) {
    std::vector<E> v;
    while (!s.empty()) v.push_back(s.read());
    send_blob(v.data(), (std::uint64_t)v.size() * sizeof(E));
}
template <typename E> static void recv_stream(hls::stream<E> &s) {
    std::uint64_t n = recv_len();
    if (n % sizeof(E) != 0) lost("the kernel link sent a stream of partial elements");
    std::vector<E> v((std::size_t)(n / sizeof(E)));
    if (n) recv_raw(v.data(), (std::size_t)n);
    for (std::size_t i = 0; i < v.size(); i++) s.write(v[i]);
}
"""

_TB_SIDE = r"""
static void lost(const char *why) {
    std::printf("\nMISMATCH: %s (the kernel process ended or broke the call protocol)\n", why);
    std::fflush(stdout);
    std::_Exit(1);
}
template <typename T, typename A> T *pointer_of(A &a, std::uint64_t &count, std::true_type) {
    count = sizeof(A) / sizeof(T);
    return a;
}
template <typename T, typename A> T *pointer_of(A &a, std::uint64_t &count, std::false_type) {
    T *p = a;
    count = p ? 1 : NULL_COUNT;
    return p;
}
template <typename T> void copy_back(T *, std::uint64_t, std::true_type) {}
template <typename T> void copy_back(T *p, std::uint64_t count, std::false_type) {
    if (count != NULL_COUNT) recv_blob(p, count * sizeof(T));
}
template <typename D> struct Holder {
    D v;
    template <typename A> explicit Holder(A &a) : v(a) {}
};
template <typename X, std::size_t N> struct Holder<X[N]> {
    X v[N];
    template <typename A> explicit Holder(A &a) { std::memcpy((void *)v, (const void *)a, sizeof v); }
};
template <typename P, typename A, typename K = typename kind_of<P>::type> struct Link;
template <typename P, typename A> struct Link<P, A, by_pointer> {
    typedef typename std::remove_pointer<P>::type T;
    T *p;
    std::uint64_t count;
    explicit Link(A &a) : p(nullptr), count(0) { p = pointer_of<T>(a, count, std::is_array<A>()); }
    void send() {
        send_blob(&count, sizeof count);
        if (count != NULL_COUNT) send_blob((const void *)p, count * sizeof(T));
    }
    void back() { copy_back(p, count, std::is_const<T>()); }
};
template <typename P, typename A> struct Link<P, A, by_stream> {
    typename std::remove_reference<P>::type &s;
    explicit Link(A &a) : s(a) {}
    void send() { send_stream(s); }
    void back() { recv_stream(s); }
};
template <typename P, typename A> struct Link<P, A, by_ref> {
    typename std::remove_reference<P>::type &r;
    explicit Link(A &a) : r(a) {}
    void send() { send_blob((const void *)&r, sizeof r); }
    void back() { recv_blob((void *)&r, sizeof r); }
};
template <typename P, typename A> struct Link<P, A, by_value> {
    Holder<typename std::remove_cv<typename std::remove_reference<P>::type>::type> h;
    explicit Link(A &a) : h(a) {}
    void send() { send_blob((const void *)&h.v, sizeof h.v); }
    void back() {}
};
template <typename R> struct Ret {
    static R get() {
        alignas(R) unsigned char buf[sizeof(R)];
        recv_blob(buf, sizeof(R));
        return *reinterpret_cast<R *>(buf);
    }
};
template <> struct Ret<void> {
    static void get() { recv_blob(nullptr, 0); }
};
template <typename R, typename... P, std::size_t... I, typename... A>
R call(R (*)(P...), std::index_sequence<I...>, A &...a) {
    static_assert(sizeof...(P) == sizeof...(A),
                  "hweval: the testbench calls the top function with fewer arguments than it declares");
    std::tuple<Link<P, A>...> links(a...);
    const char op = 'C';
    send_raw(&op, 1);
    int sent[] = {0, (std::get<I>(links).send(), 0)...};
    int back[] = {0, (std::get<I>(links).back(), 0)...};
    (void)sent;
    (void)back;
    return Ret<R>::get();
}
}  // namespace @NS@
"""

_HOST_SIDE = r"""
static void lost(const char *) { std::_Exit(3); }
@GUARD_LIB@template <typename P, typename K = typename kind_of<P>::type> struct Slot;
template <typename P> struct Slot<P, by_pointer> {
    typedef typename std::remove_pointer<P>::type T;
    typedef typename std::remove_cv<T>::type U;
    std::uint64_t count = 0;
    unsigned char *block = nullptr;
    U *buf = nullptr;
    void recv() {
        recv_blob(&count, sizeof count);
        if (count == NULL_COUNT) return;
        if (count > MAX_BYTES / (sizeof(T) ? sizeof(T) : 1)) lost("too many elements");
        block = guarded_new((std::size_t)(count * sizeof(T)), sizeof(T));
        buf = reinterpret_cast<U *>(block + guard_size(sizeof(T)));
        recv_blob((void *)buf, count * sizeof(T));
    }
    P arg() { return buf; }
    void back() {
        if (count == NULL_COUNT) return;
        guard_check(block, (std::size_t)(count * sizeof(T)), sizeof(T), "an array");
        if (!std::is_const<T>::value) send_blob((const void *)buf, count * sizeof(T));
    }
    ~Slot() { ::operator delete((void *)block); }
};
template <typename P> struct Slot<P, by_stream> {
    typename std::remove_reference<P>::type s;
    void recv() { recv_stream(s); }
    P arg() { return s; }
    void back() { send_stream(s); }
};
template <typename P> struct Slot<P, by_ref> {
    typedef typename std::remove_reference<P>::type T;
    unsigned char *block = nullptr;
    void *buf = nullptr;
    void recv() {
        block = guarded_new(sizeof(T), sizeof(T));
        buf = block + guard_size(sizeof(T));
        recv_blob(buf, sizeof(T));
    }
    P arg() { return *static_cast<T *>(buf); }
    void back() {
        guard_check(block, sizeof(T), sizeof(T), "a reference");
        send_blob(buf, sizeof(T));
    }
    ~Slot() { ::operator delete((void *)block); }
};
template <typename P> struct Slot<P, by_value> {
    typedef typename std::remove_cv<typename std::remove_reference<P>::type>::type D;
    void *buf = nullptr;
    void recv() {
        buf = ::operator new(sizeof(D));
        recv_blob(buf, sizeof(D));
    }
    P arg() { return static_cast<P>(*static_cast<D *>(buf)); }
    void back() {}
    ~Slot() { ::operator delete(buf); }
};
template <typename R> struct Result {
    alignas(R) unsigned char buf[sizeof(R)];
    template <typename F, typename... X> void call(F f, X &&...x) { new ((void *)buf) R(f(std::forward<X>(x)...)); }
    void send() { send_blob(buf, sizeof(R)); }
};
template <> struct Result<void> {
    template <typename F, typename... X> void call(F f, X &&...x) { f(std::forward<X>(x)...); }
    void send() { send_blob(nullptr, 0); }
};
template <typename R, typename... P, std::size_t... I> void serve(R (*f)(P...), std::index_sequence<I...>) {
    std::tuple<Slot<P>...> slots;
    int got[] = {0, (std::get<I>(slots).recv(), 0)...};
    (void)got;
    Result<R> result;
    result.call(f, std::get<I>(slots).arg()...);
    int back[] = {0, (std::get<I>(slots).back(), 0)...};
    (void)back;
    result.send();
}
template <typename R, typename... P> void serve_top(R (*f)(P...)) { serve(f, std::index_sequence_for<P...>()); }
}  // namespace @NS@
"""

#: The kernel program's first act (issue 14, round 9): a system-call filter that refuses ``execve``
#: and ``execveat`` (EPERM) and kills a call from another architecture's table, so the kernel,
#: which runs only after ``main`` starts, executes no program (the judge allowed the one ``exec``
#: that started this one; :mod:`harness.families.hls.judge_fs`).
_NO_EXEC = r"""#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <cstddef>
static bool hweval_no_exec() {
#if defined(__x86_64__)
    const unsigned arch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
    const unsigned arch = AUDIT_ARCH_AARCH64;
#else
    return false;
#endif
    sock_filter f[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, arch, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_execve, 2, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_execveat, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
    };
    sock_fprog prog = {(unsigned short)(sizeof f / sizeof f[0]), f};
    return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 && prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) == 0;
}"""

_LOCAL_INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.MULTILINE)


def local_includes(tb_text: str) -> str:
    """``#include`` lines of the testbench's own headers (``"..."``), each once, in order."""
    return "".join(f'#include "{h}"\n' for h in dict.fromkeys(_LOCAL_INCLUDE.findall(tb_text)))


def _common(namespace: str, in_fd: int, out_fd: int) -> str:
    return _COMMON.replace("@NS@", namespace).replace("@IN@", str(in_fd)).replace("@OUT@", str(out_fd))


def tb_link_text() -> str:
    """The testbench side (goes before ``tb.cpp`` in the testbench's translation unit)."""
    return _common("hweval_link", TB_FROM_KERNEL, TB_TO_KERNEL) + _TB_SIDE.replace("@NS@", "hweval_link")


def tb_call(top: str) -> str:
    """The expression that calls the top function through the link, inside a wrapper whose
    arguments are the pack ``a``."""
    return (f"hweval_link::call(static_cast<decltype(&{top})>(nullptr), std::index_sequence_for<A...>{{}}, a...)")


#: Host translation unit file name (compiled once per kernel folder and build, linked with the
#: candidate's kernel object into the kernel program).
HOST_FILE = "hweval_kernel_host.cpp"


def host_text(tb_text: str, top: str) -> str:
    """The kernel program's ``main``: reads calls on :data:`KERNEL_FROM_TB` until the testbench
    closes it, serves each with the kernel's ``top``; every array and reference argument lies between
    guard bands (:mod:`.guardbands`)."""
    headers = local_includes(tb_text)
    body = (_common("hweval_host", KERNEL_FROM_TB, KERNEL_TO_TB)
            + _HOST_SIDE.replace("@NS@", "hweval_host").replace("@GUARD_LIB@", GUARD_LIB))
    return f"""// hweval: the kernel program; the candidate's kernel is linked into it, the testbench is not.
{headers}{body}
{_NO_EXEC}
int main() {{
    if (!hweval_no_exec()) return 126;
    for (;;) {{
        char op = 0;
        ssize_t r = ::read({KERNEL_FROM_TB}, &op, 1);
        if (r < 0 && errno == EINTR) continue;
        if (r == 0) return 0;
        if (r < 0 || op != 'C') return 3;
        hweval_host::serve_top(&{top});
        std::fflush(stdout);
    }}
}}
"""
