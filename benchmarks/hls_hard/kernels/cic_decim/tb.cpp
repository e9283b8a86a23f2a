// Self-checking testbench for cic_decim: direct model (moving sums in long long) on constant
// full-scale blocks, steps, alternating and pseudo-random input.
#include <cstdio>

#include "kernel.h"

static unsigned lcg(unsigned &s) {
    s = s * 1664525u + 1013904223u;
    return s >> 8;
}

// hweval: the harness reseeds the random part of the stimulus on every run (hweval_seed); the
// directed cases stay fixed, so every seed still exposes the bugs they were written for.
static unsigned tb_seed = 7u;
void hweval_seed(unsigned s) { tb_seed = s; }

int main() {
    int errors = 0;
    unsigned seed = tb_seed;
    // hweval: the cases run in an order drawn from the seed, so no directed case sits at the same
    // call position under every seed
    int tb_order[12];
    {
        unsigned s = tb_seed ^ 0x5bd1e995u;
        for (int i = 0; i < 12; i++) tb_order[i] = i;
        for (int i = 12 - 1; i > 0; i--) {
            s = s * 1664525u + 1013904223u;
            int j = (int)((s >> 8) % (unsigned)(i + 1));
            int tmp = tb_order[i];
            tb_order[i] = tb_order[j];
            tb_order[j] = tmp;
        }
    }
    for (int tb_i = 0; tb_i < 12; tb_i++) {
        const int t = tb_order[tb_i];
        cx_t x[CIC_LEN];
        cy_t y[CIC_NOUT];
        long long xv[CIC_LEN];
        long long run_v = 0;
        int run_left = 0;
        for (int n = 0; n < CIC_LEN; n++) {
            long long v;
            if (run_left-- <= 0) {  // t = 6..8: random runs of random length, half of them full scale
                run_left = 1 + (int)(lcg(seed) % 96);
                unsigned r = lcg(seed);
                run_v = (r & 1) ? ((r & 2) ? 511 : -512) : (long long)((r >> 2) % 1024) - 512;
            }
            switch (t) {
                case 0: v = 511; break;
                case 1: v = -512; break;
                case 2: v = (n / 40) % 2 ? 511 : -512; break;
                case 3: v = (n % 2) ? 511 : -512; break;
                case 4: v = n < 200 ? 0 : -512; break;
                case 5: v = (n / 100) % 2 ? 300 : -300; break;
                default: v = (long long)(lcg(seed) % 1024) - 512; if (t > 8 && n % 64 < 32) v = t % 2 ? 511 : -512;
                          if (t <= 8) v = run_v;
            }
            xv[n] = v;
            x[n] = (int)v;
        }
        cic_decim(x, y);
        for (int k = 0; k < CIC_NOUT; k++) {
            long long want = 0;
            int n = 8 * k + 7;
            for (int a = 0; a < 8; a++)
                for (int b = 0; b < 8; b++)
                    if (n - a - b >= 0) want += xv[n - a - b];
            long long got = y[k].to_int64();
            if (got != want) {
                if (errors < 5) std::printf("MISMATCH test %d y[%d]: got %lld expected %lld\n", t, k, got, want);
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
