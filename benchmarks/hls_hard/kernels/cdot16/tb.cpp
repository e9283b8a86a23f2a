// Self-checking testbench for cdot16: exact model in long long; every combination of the
// extreme values -128, -127, 0, 127 in one tap, all-extreme vectors, and random vectors.
#include <cstdio>

#include "kernel.h"

static unsigned lcg(unsigned &s) {
    s = s * 1664525u + 1013904223u;
    return s >> 8;
}

// hweval: the harness reseeds the random part of the stimulus on every run (hweval_seed); the
// directed cases stay fixed, so every seed still exposes the bugs they were written for.
static unsigned tb_seed = 21u;
void hweval_seed(unsigned s) { tb_seed = s; }

int main() {
    const int ext[4] = {-128, -127, 0, 127};
    int errors = 0;
    unsigned seed = tb_seed;
    for (int t = 0; t < 256 + 256 + 200; t++) {
        cin_t x[CD_N], h[CD_N];
        int v[CD_N][4];
        for (int k = 0; k < CD_N; k++)
            for (int j = 0; j < 4; j++) {
                int val;
                if (t < 256) val = k == 5 ? ext[(t >> (2 * j)) & 3] : (int)(lcg(seed) % 256) - 128;
                else if (t < 512) val = ext[((t - 256) >> (2 * j)) & 3];  // the same extreme tap everywhere
                else val = (int)(lcg(seed) % 256) - 128;
                v[k][j] = val;
            }
        long long wr = 0, wi = 0;
        for (int k = 0; k < CD_N; k++) {
            x[k].re = v[k][0];
            x[k].im = v[k][1];
            h[k].re = v[k][2];
            h[k].im = v[k][3];
            wr += (long long)v[k][0] * v[k][2] - (long long)v[k][1] * v[k][3];
            wi += (long long)v[k][0] * v[k][3] + (long long)v[k][1] * v[k][2];
        }
        cout_t y;
        cdot16(x, h, y);
        if (y.re.to_int64() != wr || y.im.to_int64() != wi) {
            if (errors < 5)
                std::printf("MISMATCH test %d: got (%lld, %lld) expected (%lld, %lld)\n", t, y.re.to_int64(), y.im.to_int64(),
                            wr, wi);
            errors++;
        }
    }
    if (errors) {
        std::printf("TB FAIL: %d mismatches\n", errors);
        return 1;
    }
    std::printf("TB PASS\n");
    return 0;
}
