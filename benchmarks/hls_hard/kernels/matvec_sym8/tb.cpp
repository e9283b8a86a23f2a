// Self-checking testbench for matvec_sym8: plain integer model, inputs in [-127, 127].
#include <cstdio>

#include "kernel.h"

static unsigned lcg_state = 64u;
static unsigned lcg() {
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return lcg_state >> 10;
}

int main() {
    int errors = 0;
    // hweval: the cases run in an order drawn from the seed, the random case (t == 3) 12 more
    // times, so no directed case sits at the same call position under every seed
    int tb_order[16];
    {
        unsigned s = lcg_state ^ 0x5bd1e995u;
        for (int i = 0; i < 16; i++) tb_order[i] = i < 4 ? i : 3;
        for (int i = 16 - 1; i > 0; i--) {
            s = s * 1664525u + 1013904223u;
            int j = (int)((s >> 8) % (unsigned)(i + 1));
            int tmp = tb_order[i];
            tb_order[i] = tb_order[j];
            tb_order[j] = tmp;
        }
    }
    for (int tb_i = 0; tb_i < 16; tb_i++) {
        const int t = tb_order[tb_i];
        q_t w[MV_ROWS][MV_COLS], x[MV_COLS];
        int wv[MV_ROWS][MV_COLS], xv[MV_COLS];
        ap_int<32> y[MV_ROWS];
        // t == 3, the random cases: each row follows the signs of x over a random share of its
        // columns (0, 1/4, ... all), so full-scale row sums of either sign are common
        int share[MV_ROWS], rsign[MV_ROWS];
        for (int r = 0; r < MV_ROWS; r++) {
            share[r] = (int)((lcg() >> 8) % 5);
            rsign[r] = (lcg() >> 15) & 1 ? 1 : -1;
        }
        for (int c = 0; c < MV_COLS; c++) {
            xv[c] = t == 3 ? (int)(lcg() % 255) - 127 : (c % 3 == 0 ? -127 : 127);
            x[c] = xv[c];
            for (int r = 0; r < MV_ROWS; r++) {
                int v = (int)(lcg() % 255) - 127;
                if (t == 0 && r == 0) v = xv[c];                      // +256 * 127 * 127
                if (t == 0 && r == 1) v = -xv[c];                     // -256 * 127 * 127
                if (t == 1 && r == 2) v = c < 128 ? xv[c] : 0;        // half the row at full scale
                if (t == 2) v = (int)(lcg() % 31) - 15;
                if (t == 3 && (int)((lcg() >> 8) % 4) < share[r]) v = rsign[r] * (xv[c] < 0 ? -127 : 127);
                wv[r][c] = v;
                w[r][c] = v;
            }
        }
        matvec_sym8(w, x, y);
        for (int r = 0; r < MV_ROWS; r++) {
            long long want = 0;
            for (int c = 0; c < MV_COLS; c++) want += (long long)wv[r][c] * xv[c];
            if (y[r].to_int64() != want) {
                if (errors < 5) std::printf("MISMATCH test %d y[%d]: got %lld expected %lld\n", t, r, (long long)y[r].to_int64(), want);
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
