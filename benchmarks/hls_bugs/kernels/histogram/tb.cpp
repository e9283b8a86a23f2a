// Self-checking testbench for histogram.
#include <cstdio>

#include "kernel.h"

static unsigned lcg_state = 5u;
static unsigned lcg() {
    lcg_state = lcg_state * 1103515245u + 12345u;
    return (lcg_state >> 11) & 0xFFFFu;
}

int main() {
    int errors = 0;
    for (int trial = 0; trial < 5; trial++) {
        unsigned px[HIST_N];
        pixel_t pixels[HIST_N];
        count_t hist[HIST_BINS];
        for (int i = 0; i < HIST_N; i++) {
            px[i] = lcg() % 256u;
            if (trial == 1) px[i] = 255u;                  // one full bin
            if (trial == 2) px[i] = (i / 3) % 256u;        // runs of equal bins
            if (trial == 3) px[i] = (i % 2) ? 17u : 250u;  // alternating bins
            pixels[i] = px[i];
        }
        for (int b = 0; b < HIST_BINS; b++) hist[b] = 0;
        histogram(pixels, hist);
        unsigned ref[HIST_BINS] = {0};
        for (int i = 0; i < HIST_N; i++) ref[px[i] / 16]++;
        for (int b = 0; b < HIST_BINS; b++) {
            if (hist[b].to_uint() != ref[b]) {
                if (errors < 5) std::printf("MISMATCH trial %d bin %d: got %u expected %u\n", trial, b, hist[b].to_uint(), ref[b]);
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
