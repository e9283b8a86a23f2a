// Self-checking testbench for frame_stretch: several frames in a row, each checked on its own.
#include <cstdio>

#include "kernel.h"

static unsigned lcg_state = 36u;
static unsigned lcg() {
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return lcg_state >> 16;
}

int main() {
    const int base[6] = {0, 60, 100, 7, 200, 30};
    const int range[6] = {256, 100, 1, 40, 56, 150};
    int errors = 0;
    for (int f = 0; f < 6; f++) {
        fpx_t in[FS_N], out[FS_N];
        int v[FS_N];
        for (int i = 0; i < FS_N; i++) {
            v[i] = base[f] + (int)(lcg() % range[f]);
            in[i] = v[i];
        }
        frame_stretch(in, out);
        int lo = 255, hi = 0;
        for (int i = 0; i < FS_N; i++) {
            lo = v[i] < lo ? v[i] : lo;
            hi = v[i] > hi ? v[i] : hi;
        }
        for (int i = 0; i < FS_N; i++) {
            int want = hi == lo ? 0 : (v[i] - lo) * 255 / (hi - lo);
            if ((int)out[i] != want) {
                if (errors < 5) std::printf("MISMATCH frame %d pixel %d (%d, range %d..%d): got %d expected %d\n", f, i, v[i], lo, hi, (int)out[i], want);
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
