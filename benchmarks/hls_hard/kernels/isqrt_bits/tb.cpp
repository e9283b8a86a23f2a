// Self-checking testbench for isqrt_bits: 64-bit integer model.
#include <cstdio>

#include "kernel.h"

static unsigned lcg_state = 66u;
static unsigned lcg() {
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return lcg_state;
}

static unsigned long long model_root(unsigned long long x) {
    unsigned long long r = 0;
    for (unsigned long long bit = 1ULL << 16; bit; bit >>= 1)
        if ((r + bit) * (r + bit) <= x) r += bit;
    return r;
}

int main() {
    int errors = 0;
    for (int t = 0; t < 4; t++) {
        ap_uint<32> x[IS_N];
        ap_uint<16> root[IS_N];
        ap_uint<17> rem[IS_N];
        unsigned xv[IS_N];
        for (int i = 0; i < IS_N; i++) {
            xv[i] = t == 0 ? (lcg() >> (lcg() % 32)) : lcg();
            if (t == 1) xv[i] >>= 4;                          // below 2^28
            if (i == 0) xv[i] = 0;
            if (i == 1) xv[i] = 0xFFFFFFFFu;
            if (i == 2) xv[i] = 65535u * 65535u;
            if (i == 3) xv[i] = 1u << 30;
            x[i] = xv[i];
        }
        isqrt_bits(x, root, rem);
        for (int i = 0; i < IS_N; i++) {
            unsigned long long r = model_root(xv[i]);
            unsigned long long m = xv[i] - r * r;
            if ((unsigned long long)root[i] != r || (unsigned long long)rem[i] != m) {
                if (errors < 5) std::printf("MISMATCH test %d isqrt(%u): got %u rem %u expected %llu rem %llu\n", t, xv[i], (unsigned)root[i], (unsigned)rem[i], r, m);
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
