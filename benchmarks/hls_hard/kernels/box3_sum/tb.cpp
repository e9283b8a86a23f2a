// Self-checking testbench for box3_sum: direct 3x3 sums over random, bright (near 255), flat
// full-scale and ramp images.
#include <cstdio>

#include "kernel.h"

static unsigned lcg(unsigned &s) {
    s = s * 1664525u + 1013904223u;
    return s >> 8;
}

// hweval: the harness reseeds the random part of the stimulus on every run (hweval_seed); the
// directed cases stay fixed, so every seed still exposes the bugs they were written for.
static unsigned tb_seed = 3u;
void hweval_seed(unsigned s) { tb_seed = s; }

int main() {
    int errors = 0;
    unsigned seed = tb_seed;
    // hweval: the cases run in an order drawn from the seed, the random case (t == 4) 12 more
    // times, so no directed case sits at the same call position under every seed
    int tb_order[18];
    {
        unsigned s = tb_seed ^ 0x5bd1e995u;
        for (int i = 0; i < 18; i++) tb_order[i] = i < 6 ? i : 4;
        for (int i = 18 - 1; i > 0; i--) {
            s = s * 1664525u + 1013904223u;
            int j = (int)((s >> 8) % (unsigned)(i + 1));
            int tmp = tb_order[i];
            tb_order[i] = tb_order[j];
            tb_order[j] = tmp;
        }
    }
    for (int tb_i = 0; tb_i < 18; tb_i++) {
        const int t = tb_order[tb_i];
        bx_pix_t img[BX_H][BX_W];
        bx_sum_t y[BX_H - 2][BX_W - 2];
        int v[BX_H][BX_W];
        for (int r = 0; r < BX_H; r++)
            for (int c = 0; c < BX_W; c++) {
                int p;
                if (t == 0) p = 255;
                else if (t == 1) p = 255 - (int)(lcg(seed) % 40);
                else if (t == 2) p = (r * 37 + c * 11) % 256;
                else if (t == 3) p = (r == 3) ? 255 : (int)(lcg(seed) % 256);
                else p = (int)(lcg(seed) % 256);
                v[r][c] = p;
                img[r][c] = p;
            }
        box3_sum(img, y);
        for (int r = 0; r < BX_H - 2; r++)
            for (int c = 0; c < BX_W - 2; c++) {
                int want = 0;
                for (int i = 0; i < 3; i++)
                    for (int j = 0; j < 3; j++) want += v[r + i][c + j];
                if ((int)y[r][c].to_uint() != want) {
                    if (errors < 5) std::printf("MISMATCH test=%d r=%d c=%d: got %u expected %d\n", t, r, c, y[r][c].to_uint(), want);
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
