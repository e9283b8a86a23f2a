// Self-checking testbench for black_gain: integer model (gain in 2^-6 units, round half up by
// floor division) over dark and bright pixels, exact ties, and several black levels, gains and
// clip ranges (lo = 0 and lo > 0).
#include <cstdio>

#include "kernel.h"

static unsigned lcg(unsigned &s) {
    s = s * 1664525u + 1013904223u;
    return s >> 8;
}

// hweval: the harness reseeds the random part of the stimulus on every run (hweval_seed); the
// directed cases stay fixed, so every seed still exposes the bugs they were written for.
static unsigned tb_seed = 9u;
void hweval_seed(unsigned s) { tb_seed = s; }

static long long floor_div(long long a, long long b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

int main() {
    const int black_v[5] = {64, 255, 0, 200, 17};
    const int g_raw[5] = {64, 255, 96, 32, 1};     // 1.0, 3.98, 1.5, 0.5, 2^-6
    const unsigned lo_v[5] = {0, 100, 0, 4095, 7};
    const unsigned hi_v[5] = {4095, 3000, 50, 4095, 4000};
    int errors = 0;
    unsigned seed = tb_seed;
    // hweval: the cases run in an order drawn from the seed, so no directed case sits at the same
    // call position under every seed
    int tb_order[25];
    {
        unsigned s = tb_seed ^ 0x5bd1e995u;
        for (int i = 0; i < 25; i++) tb_order[i] = i;
        for (int i = 25 - 1; i > 0; i--) {
            s = s * 1664525u + 1013904223u;
            int j = (int)((s >> 8) % (unsigned)(i + 1));
            int tmp = tb_order[i];
            tb_order[i] = tb_order[j];
            tb_order[j] = tmp;
        }
    }
    for (int tb_i = 0; tb_i < 25; tb_i++) {
        const int t = tb_order[tb_i];
        int bl = black_v[t % 5], gr = g_raw[(t / 5) % 5];
        unsigned lo = lo_v[(t + t / 5) % 5], hi = hi_v[(t + t / 5) % 5];
        bg_gain_t g;
        g.range(7, 0) = gr;
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
            raw_t x[BG_N], y[BG_N];
            int xv[BG_N];
            for (int i = 0; i < BG_N; i++) {
                int v;
                if (blk == 0) v = i;                                     // dark: below most black levels
                else if (blk == 1) v = 4095 - i;                         // bright
                else if (blk == 2) v = bl + (i - 32);                    // around the black level
                else v = (int)(lcg(seed) % 4096);
                if (v < 0) v = 0;
                xv[i] = v;
                x[i] = v;
            }
            black_gain(x, y, bl, g, lo, hi);
            for (int i = 0; i < BG_N; i++) {
                long long want = floor_div((long long)(xv[i] - bl) * gr + 32, 64);
                if (want < (long long)lo) want = lo;
                if (want > (long long)hi) want = hi;
                if ((long long)y[i].to_uint() != want) {
                    if (errors < 5)
                        std::printf("MISMATCH black=%d g_raw=%d lo=%u hi=%u x=%d: got %u expected %lld\n", bl, gr, lo, hi,
                                    xv[i], y[i].to_uint(), want);
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
