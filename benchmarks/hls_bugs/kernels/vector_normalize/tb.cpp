// Self-checking testbench for vector_normalize, including an all-zero vector.
#include <cstdio>
#include <cstdlib>

#include "kernel.h"

static unsigned lcg_state = 1717u;
static unsigned lcg() {
    lcg_state = lcg_state * 1103515245u + 12345u;
    return (lcg_state >> 10) & 0xFFFFu;
}

int main() {
    int errors = 0;
    for (int trial = 0; trial < 6; trial++) {
        int x[VN_LEN];
        val_t in[VN_LEN];
        norm_t out[VN_LEN];
        for (int i = 0; i < VN_LEN; i++) {
            x[i] = (int)(lcg() % 2048) - 1024;
            if (lcg() % 4 == 0) x[i] = 0;
            if (trial == 1) x[i] = 0;                      // all zero
            if (trial == 2) x[i] = (i == 9) ? -1024 : 3;
            if (trial == 3) x[i] = (i == 0) ? 1 : 0;
            in[i] = x[i];
            out[i] = 99;
        }
        val_t mean = 99;
        vector_normalize(in, out, mean);
        int m = 0, s = 0, c = 0;
        for (int i = 0; i < VN_LEN; i++) {
            if (std::abs(x[i]) > m) m = std::abs(x[i]);
            if (x[i] != 0) { s += x[i]; c++; }
        }
        int ref_mean = c ? s / c : 0;
        if (mean.to_int() != ref_mean) {
            if (errors < 5) std::printf("MISMATCH trial %d mean: got %d expected %d\n", trial, mean.to_int(), ref_mean);
            errors++;
        }
        for (int i = 0; i < VN_LEN; i++) {
            int expect = m ? (x[i] * VN_SCALE) / m : 0;
            if (out[i].to_int() != expect) {
                if (errors < 5) std::printf("MISMATCH trial %d i=%d: got %d expected %d\n", trial, i, out[i].to_int(), expect);
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
