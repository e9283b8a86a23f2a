// Self-checking testbench for prefix_sum.
#include <cstdio>

#include "kernel.h"

static unsigned lcg_state = 8088u;
static unsigned lcg() {
    lcg_state = lcg_state * 1103515245u + 12345u;
    return (lcg_state >> 10) & 0xFFFFu;
}

int main() {
    int errors = 0;
    for (int trial = 0; trial < 4; trial++) {
        int x[PS_LEN];
        in_t in[PS_LEN];
        out_t out[PS_LEN];
        for (int i = 0; i < PS_LEN; i++) {
            x[i] = (int)(lcg() % 4096) - 2048;
            if (trial == 1) x[i] = 2047;
            if (trial == 2) x[i] = -2048;
            in[i] = x[i];
            out[i] = 0;
        }
        prefix_sum(in, out);
        long s = 0;
        for (int i = 0; i < PS_LEN; i++) {
            s += x[i];
            if (out[i].to_int() != s) {
                if (errors < 5) std::printf("MISMATCH trial %d i=%d: got %d expected %ld\n", trial, i, out[i].to_int(), s);
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
