// Self-checking testbench for sm_scale: integer model (gain in 2^-8 units, ties away from zero,
// limit to 127) over every sample value -128 .. 127 and gains with ties and full scale.
#include <cstdio>

#include "kernel.h"

// hweval: the harness reseeds the random part of the stimulus on every run (hweval_seed); the
// directed cases stay fixed, so every seed still exposes the bugs they were written for.
static unsigned tb_seed = 0u;
void hweval_seed(unsigned s) { tb_seed = s; }
static unsigned lcg(unsigned &s) {
    s = s * 1664525u + 1013904223u;
    return s >> 8;
}

int main() {
    int g_v[15] = {255, 128, 64, 1, 0, 192, 171};  // eight random gains after the directed ones
    unsigned seed = tb_seed;
    // random gains, each the full-scale gain 255 (|x * g| = 128 at x = -128) with probability 1/4
    for (int k = 7; k < 15; k++) g_v[k] = (lcg(seed) >> 4) % 4 == 0 ? 255 : (int)(lcg(seed) % 256);
    const int rot = tb_seed ? (int)(lcg(seed) % SM_N) : 0;  // the order of the inputs
    int errors = 0;
    // hweval: the gains run in an order drawn from the seed
    int k_order[15];
    for (int j = 0; j < 15; j++) k_order[j] = j;
    for (int j = 14; j > 0; j--) {
        int r = (int)(lcg(seed) % (unsigned)(j + 1));
        int tmp = k_order[j];
        k_order[j] = k_order[r];
        k_order[r] = tmp;
    }
    for (int ki = 0; ki < 15; ki++) {
        const int k = k_order[ki];
        sm_gain_t g;
        g.range(7, 0) = g_v[k];
        ap_int<8> x[SM_N];
        ap_uint<8> y[SM_N];
        int xv[SM_N];  // the testbench's own copy of the input
        for (int i = 0; i < SM_N; i++) {
            xv[i] = (i + rot) % 256 - 128;
            x[i] = xv[i];
        }
        sm_scale(x, g, y);
        for (int i = 0; i < SM_N; i++) {
            long long p = (long long)xv[i] * g_v[k];  // v in 2^-8 units
            long long m = p < 0 ? -p : p;
            long long r = (m + 128) / 256;                   // |r|, ties away from zero
            int neg = p < 0 && r != 0;
            if (r > 127) r = 127;
            unsigned want = (unsigned)((neg << 7) | r);
            if (y[i].to_uint() != want) {
                if (errors < 5)
                    std::printf("MISMATCH g_raw=%d x=%d: got 0x%02x expected 0x%02x\n", g_v[k], xv[i], y[i].to_uint(),
                                want);
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
