// Self-checking testbench for frame_stretch: several frames in a row, each checked on its own.
#include <cstdio>

#include "kernel.h"

static unsigned lcg_state = 36u;
static unsigned lcg() {
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return lcg_state >> 16;
}

int main() {
    // hweval: the six directed frames and ten random ones (a random range at a random base) run
    // in an order drawn from the seed
    int base[16] = {0, 60, 100, 7, 200, 30};
    int range[16] = {256, 100, 1, 40, 56, 150};
    int order[16];
    for (int f = 0; f < 16; f++) {
        if (f >= 6) {
            range[f] = 1 + (int)((lcg() >> 4) % 256);
            base[f] = (int)((lcg() >> 4) % (unsigned)(257 - range[f]));
        }
        order[f] = f;
    }
    for (int f = 15; f > 0; f--) {
        int j = (int)((lcg() >> 4) % (unsigned)(f + 1));
        int tmp = order[f];
        order[f] = order[j];
        order[j] = tmp;
    }
    int errors = 0;
    for (int fi = 0; fi < 16; fi++) {
        const int f = order[fi];
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
