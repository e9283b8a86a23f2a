"""Guard bands around the kernel's arrays in the kernel program's host translation unit (red team 15,
HLS items 1 and 2): :func:`guarded_host_text` (used by :mod:`.csim` for every build).

Trusted code: the text is the kernel link's host unit (:func:`.kernel_link.host_text`) with its
array and reference slots replaced by guarded ones; a change of those slots in the kernel link
raises instead of running unguarded.
"""
from __future__ import annotations

from harness.families.hls.kernel_link import host_text

#: Marks the kernel program's report of a damaged guard band (on its standard error, which reaches
#: the judge's): a run that did not pass and holds it is a ``runtime_error`` naming the write.
GUARD_MARKER = "HWEVAL-GUARD"
#: The byte the guard bands are filled with (an out-of-bounds read of the plain and pattern builds
#: reads it).
GUARD_BYTE = 0xA5
_GUARD_LIB = r"""
// hweval (csim.py): every array and reference argument lies between two guard bands filled with
// GUARD_BYTE, checked when the kernel returns, so an out-of-bounds write fails every build, not only
// the sanitizer's (red team s15: a fix that told the builds apart at run time kept its overflow where
// no sanitizer looks). Under AddressSanitizer there are none: its own redzones report the access.
#if defined(__SANITIZE_ADDRESS__)
static const std::size_t GUARD_MIN = 0;
#else
static const std::size_t GUARD_MIN = 256;
#endif
static const unsigned char GUARD_BYTE = @GUARD_BYTE@;
static std::size_t guard_size(std::size_t elem) {
    if (GUARD_MIN == 0) return 0;
    std::size_t g = elem > GUARD_MIN / 4 ? 4 * elem : GUARD_MIN;
    if (g > ((std::size_t)1 << 20)) g = (std::size_t)1 << 20;
    return (g + 63) / 64 * 64;
}
static unsigned char *guarded_new(std::size_t n, std::size_t elem) {
    std::size_t g = guard_size(elem);
    unsigned char *block = static_cast<unsigned char *>(::operator new(n + 2 * g));
    std::memset(block, GUARD_BYTE, g);
    std::memset(block + g + n, GUARD_BYTE, g);
    return block;
}
static void guard_broken(const char *what, std::size_t n, std::size_t dist, const char *side) {
    std::fprintf(stderr, "\n@MARKER@: out-of-bounds write: the kernel changed the byte %zu %s %s argument "
                 "of %zu bytes\n", dist, side, what, n);
    std::fflush(stderr);
    std::_Exit(3);
}
static void guard_check(const unsigned char *block, std::size_t n, std::size_t elem, const char *what) {
    std::size_t g = guard_size(elem);
    for (std::size_t i = 0; i < g; i++) {
        if (block[g - 1 - i] != GUARD_BYTE) guard_broken(what, n, i + 1, "before the start of");
        if (block[g + n + i] != GUARD_BYTE) guard_broken(what, n, i + 1, "after the end of");
    }
}
"""
#: the kernel link's host slots of arrays and references (:mod:`harness.families.hls.kernel_link`),
#: verbatim, and their guarded versions
_POINTER_SLOT = r"""template <typename P> struct Slot<P, by_pointer> {
    typedef typename std::remove_pointer<P>::type T;
    typedef typename std::remove_cv<T>::type U;
    std::uint64_t count = 0;
    U *buf = nullptr;
    void recv() {
        recv_blob(&count, sizeof count);
        if (count == NULL_COUNT) return;
        if (count > MAX_BYTES / (sizeof(T) ? sizeof(T) : 1)) lost("too many elements");
        buf = static_cast<U *>(::operator new((std::size_t)(count * sizeof(T))));
        recv_blob((void *)buf, count * sizeof(T));
    }
    P arg() { return buf; }
    void back() {
        if (!std::is_const<T>::value && count != NULL_COUNT) send_blob((const void *)buf, count * sizeof(T));
    }
    ~Slot() { ::operator delete((void *)buf); }
};
"""
_GUARDED_POINTER_SLOT = r"""template <typename P> struct Slot<P, by_pointer> {
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
"""
_REF_SLOT = r"""template <typename P> struct Slot<P, by_ref> {
    typedef typename std::remove_reference<P>::type T;
    void *buf = nullptr;
    void recv() {
        buf = ::operator new(sizeof(T));
        recv_blob(buf, sizeof(T));
    }
    P arg() { return *static_cast<T *>(buf); }
    void back() { send_blob(buf, sizeof(T)); }
    ~Slot() { ::operator delete(buf); }
};
"""
_GUARDED_REF_SLOT = r"""template <typename P> struct Slot<P, by_ref> {
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
"""
_SLOT_DECL = "template <typename P, typename K = typename kind_of<P>::type> struct Slot;\n"


def guarded_host_text(tb_text: str, top: str) -> str:
    """The kernel program's host translation unit (:func:`~harness.families.hls.kernel_link.host_text`)
    with guard bands around every array and reference argument (:data:`_GUARD_LIB`).

    Red team s15 (rth items 1, 2): an out-of-bounds write past the host's exactly sized heap arrays was
    silent in the ``plain`` and ``pattern`` builds, so a fix that told the builds apart at run time
    (the distance between two local arrays, which AddressSanitizer's stack redzones change) kept
    its overflow there and passed. Now the kernel's every array and reference argument has a band of
    :data:`GUARD_BYTE` before and after it (at least 256 bytes, four elements), checked when the
    top function returns: a damaged band ends the kernel program with a :data:`GUARD_MARKER` line
    (``runtime_error``) in every build; under AddressSanitizer the bands are left out and its own
    redzones report the access as before. An out-of-bounds read of the other builds reads the guard
    byte."""
    text = host_text(tb_text, top)
    for old, new in ((_POINTER_SLOT, _GUARDED_POINTER_SLOT), (_REF_SLOT, _GUARDED_REF_SLOT),
                     (_SLOT_DECL, _GUARD_LIB.replace("@MARKER@", GUARD_MARKER).replace(
                         "@GUARD_BYTE@", f"0x{GUARD_BYTE:02x}") + _SLOT_DECL)):
        if text.count(old) != 1:
            raise RuntimeError("the kernel link's host slots changed: guardbands.guarded_host_text must follow them")
        text = text.replace(old, new)
    return text
