// Self-checking testbench for hamming_tree: bit-by-bit count.
#include <cstdio>

#include "kernel.h"

static unsigned lcg_state = 2u;
static unsigned lcg() {
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return lcg_state;
}

int main() {
    int errors = 0;
    for (int t = 0; t < 4; t++) {
        ap_uint<32> a[HT_N], b[HT_N];
        ap_uint<6> dist[HT_N];
        unsigned av[HT_N], bv[HT_N];
        for (int i = 0; i < HT_N; i++) {
            av[i] = lcg() ^ (lcg() >> 13);
            bv[i] = lcg() ^ (lcg() << 7);
            if (t == 0 && i < 8) bv[i] = ~av[i] ^ (i ? (1u << (4 * i - 1)) : 0u);  // (almost) every bit differs
            if (t == 1) bv[i] = av[i] ^ (0xFFu << (8 * (i % 4)));              // one whole byte differs
            if (t == 2) bv[i] = av[i] ^ (lcg() & lcg());                       // sparse differences
            a[i] = av[i];
            b[i] = bv[i];
        }
        hamming_tree(a, b, dist);
        for (int i = 0; i < HT_N; i++) {
            unsigned x = av[i] ^ bv[i];
            int want = 0;
            for (int k = 0; k < 32; k++) want += (x >> k) & 1u;
            if ((int)dist[i] != want) {
                if (errors < 5) std::printf("MISMATCH test %d pair %d (xor 0x%08x): got %d expected %d\n", t, i, x, (int)dist[i], want);
                errors++;
            }
        }
    }
    if (errors) {
        std::printf("TB FAIL: %d mismatches\n", errors);
        return 1;
    }
    std::printf("TB PASS\n");
    return 0;
}
