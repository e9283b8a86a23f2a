// Self-checking testbench for maxpool_k3s2: direct window maxima; out is pre-filled.
#include <cstdio>

#include "kernel.h"

static unsigned lcg_state = 29u;
static unsigned lcg() {
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return lcg_state >> 12;
}

int main() {
    int errors = 0;
    for (int t = 0; t < 4; t++) {
        mp_t in[MP_N], out[MP_OUT];
        for (int i = 0; i < MP_N; i++) {
            int raw = (int)(lcg() % 1024) - 512;
            if (t == 1) raw = i == MP_N - 1 ? 511 : -512;  // the maximum only in the last window
            if (t == 2) raw = i;
            in[i].range(9, 0) = raw & 0x3FF;
        }
        for (int o = 0; o < MP_OUT; o++) out[o] = -4;
        mp_t inc[MP_N];  // the testbench's own copy of the input
        for (int i = 0; i < MP_N; i++) inc[i] = in[i];
        maxpool_k3s2(in, out);
        for (int o = 0; o < MP_OUT; o++) {
            mp_t want = inc[2 * o];
            for (int k = 1; k < 3; k++)
                if (inc[2 * o + k] > want) want = inc[2 * o + k];
            if (out[o] != want) {
                if (errors < 5) std::printf("MISMATCH test %d out[%d]: got %.4f expected %.4f\n", t, o, out[o].to_double(), want.to_double());
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
