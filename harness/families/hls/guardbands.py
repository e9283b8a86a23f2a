"""Guard bands around the kernel's arrays in the kernel program's host translation unit (red team 15,
HLS items 1 and 2); :func:`.kernel_link.host_text` puts :data:`GUARD_LIB` before its argument slots,
whose array and reference slots allocate with ``guarded_new`` and check with ``guard_check``.

Red team s15 (rth items 1, 2): an out-of-bounds write past the host's exactly sized heap arrays was
silent in the ``plain`` and ``pattern`` builds, so a fix that told the builds apart at run time
(the distance between two local arrays, which AddressSanitizer's stack redzones change) kept its
overflow there and passed. Now the kernel's every array and reference argument has a band of
:data:`GUARD_BYTE` before and after it (at least 256 bytes, four elements), checked when the top
function returns: a damaged band ends the kernel program with a :data:`GUARD_MARKER` line
(``runtime_error``, :mod:`.csim`) in every build; under AddressSanitizer the bands are left out and
its own redzones report the access as before. An out-of-bounds read of the other builds reads the
guard byte.
"""
from __future__ import annotations

#: Marks the kernel program's report of a damaged guard band (on its standard error, which reaches
#: the judge's): a run that did not pass and holds it is a ``runtime_error`` naming the write.
GUARD_MARKER = "HWEVAL-GUARD"
#: The byte the guard bands are filled with (an out-of-bounds read of the plain and pattern builds
#: reads it).
GUARD_BYTE = 0xA5
_GUARD_LIB = r"""
// hweval (guardbands.py): every array and reference argument lies between two guard bands filled with
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
#: the C++ the kernel program's host unit holds before its slots
GUARD_LIB = _GUARD_LIB.replace("@MARKER@", GUARD_MARKER).replace("@GUARD_BYTE@", f"0x{GUARD_BYTE:02x}")
