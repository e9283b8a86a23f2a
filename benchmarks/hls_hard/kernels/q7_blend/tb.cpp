// Self-checking testbench for q7_blend: integer model (samples in 2^-15 units, t in 2^-8
// units, round half up by floor division, clip at 127) over full-scale, tie and random samples
// and several blend factors.
#include <cstdio>

#include "kernel.h"

static unsigned lcg(unsigned &s) {
    s = s * 1664525u + 1013904223u;
    return s >> 8;
}

// hweval: the harness reseeds the random part of the stimulus on every run (hweval_seed); the
// directed cases stay fixed, so every seed still exposes the bugs they were written for.
static unsigned tb_seed = 5u;
void hweval_seed(unsigned s) { tb_seed = s; }

static long long floor_div(long long a, long long b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

int main() {
    const int t_v[6] = {0, 255, 128, 1, 200, 77};
    int errors = 0;
    unsigned seed = tb_seed;
    // hweval: the blend factors run in an order drawn from the seed
    int k_order[6];
    for (int j = 0; j < 6; j++) k_order[j] = j;
    for (int j = 5; j > 0; j--) {
        int r = (int)(lcg(seed) % (unsigned)(j + 1));
        int tmp = k_order[j];
        k_order[j] = k_order[r];
        k_order[r] = tmp;
    }
    for (int ki = 0; ki < 6; ki++) {
        const int k = k_order[ki];
        qb_t_t t;
        t.range(7, 0) = t_v[k];
        // hweval: the blocks run in an order drawn from the seed
        int blk_order[8];
        for (int j = 0; j < 8; j++) blk_order[j] = j;
        for (int j = 7; j > 0; j--) {
            int r = (int)(lcg(seed) % (unsigned)(j + 1));
            int tmp = blk_order[j];
            blk_order[j] = blk_order[r];
            blk_order[r] = tmp;
        }
        for (int bi = 0; bi < 8; bi++) {
            const int blk = blk_order[bi];
            qb_in_t x0[QB_N], x1[QB_N];
            qb_out_t y[QB_N];
            int a[QB_N], b[QB_N];
            for (int i = 0; i < QB_N; i++) {
                int u, w;
                if (blk == 0) { u = 32767 - i; w = 32767 - (i % 7); }           // near +1
                else if (blk == 1) { u = -32768 + i; w = -32768 + 3 * i; }      // near -1
                else if (blk == 2) { u = 32767 - 64 * i; w = 32767; }             // around the top LSB
                else if (blk == 3) { u = (i - 32) * 256 + 128; w = u; }         // exact ties
                else if (blk == 4) { u = (i - 32) * 256 - 128; w = -u; }
                else if (blk == 6) {  // random, below +1 by a random power-of-two spread
                    const int sp = 1 << ((lcg(seed) >> 4) % 16);
                    u = 32767 - (int)(lcg(seed) % (unsigned)sp);
                    w = 32767 - (int)(lcg(seed) % (unsigned)sp);
                }
                else { u = (int)(lcg(seed) % 65536) - 32768; w = (int)(lcg(seed) % 65536) - 32768; }
                a[i] = u;
                b[i] = w;
                x0[i].range(15, 0) = u;
                x1[i].range(15, 0) = w;
            }
            q7_blend(x0, x1, t, y);
            for (int i = 0; i < QB_N; i++) {
                long long v = (long long)a[i] * 256 + (long long)(b[i] - a[i]) * t_v[k];  // in 2^-23
                long long want = floor_div(v + (1LL << 15), 1LL << 16);                 // in 2^-7
                if (want > 127) want = 127;
                int got = y[i].range(7, 0).to_int();
                if (got > 127) got -= 256;
                if (got != want) {
                    if (errors < 5)
                        std::printf("MISMATCH t=%d x0=%d x1=%d: got %d expected %lld (2^-7)\n", t_v[k], a[i], b[i], got,
                                    want);
                    errors++;
                }
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
