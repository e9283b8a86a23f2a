// Self-checking testbench for hist_runs: direct counting.
#include <cstdio>

#include "kernel.h"

static unsigned lcg_state = 8u;
static unsigned lcg() {
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return lcg_state >> 10;
}

int main() {
    int errors = 0;
    for (int t = 0; t < 6; t++) {
        bin_t data[HR_N];
        ap_uint<16> hist[HR_BINS];
        int want[HR_BINS] = {0};
        int v = 0;
        for (int i = 0; i < HR_N; i++) {
            if (t == 0) v = lcg() % HR_BINS;
            else if (t == 1) v = (lcg() % 4 == 0) ? (int)(lcg() % HR_BINS) : v;  // runs
            else if (t == 2) v = 0;
            else if (t == 3) v = i % 2 ? 0 : 15;
            else if (t == 4) v = (i / 7) % 3;
            else v = lcg() % 3;
            data[i] = v;
            want[v]++;
        }
        for (int b = 0; b < HR_BINS; b++) hist[b] = 0xDEAD;
        hist_runs(data, hist);
        for (int b = 0; b < HR_BINS; b++) {
            if ((int)hist[b] != want[b]) {
                if (errors < 5) std::printf("MISMATCH test %d bin %d: got %d expected %d\n", t, b, (int)hist[b], want[b]);
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
