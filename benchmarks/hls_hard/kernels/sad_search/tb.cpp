// Self-checking testbench for sad_search: plain integer model.
#include <cstdio>
#include <cstdlib>

#include "kernel.h"

static unsigned lcg_state = 17u;
static unsigned lcg() {
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return lcg_state >> 9;
}

int main() {
    int errors = 0;
    for (int t = 0; t < 10; t++) {
        pix_t cur[SAD_PIX], ref[SAD_CAND][SAD_PIX];
        int cv[SAD_PIX], rv[SAD_CAND][SAD_PIX];
        for (int p = 0; p < SAD_PIX; p++) {
            cv[p] = (int)(lcg() % 256);
            if (t == 0) cv[p] = 255;
            cur[p] = cv[p];
            for (int c = 0; c < SAD_CAND; c++) {
                int noise = (int)(lcg() % (t < 5 ? 40 : 256)) - (t < 5 ? 20 : 128);
                int v = cv[p] + (c == (t % SAD_CAND) ? noise / 4 : noise);
                if (t == 0) v = c == 1 ? 0 : (c == 2 ? 120 : 128 + c);  // c1: the largest possible SAD
                v = v < 0 ? 0 : (v > 255 ? 255 : v);
                rv[c][p] = v;
                ref[c][p] = v;
            }
        }
        int want_best = 0, want_sad = 1 << 30;
        for (int c = 0; c < SAD_CAND; c++) {
            int s = 0;
            for (int p = 0; p < SAD_PIX; p++) s += std::abs(cv[p] - rv[c][p]);
            if (s < want_sad) {
                want_sad = s;
                want_best = c;
            }
        }
        ap_uint<2> best = 0;
        ap_uint<14> best_sad = 0;
        sad_search(cur, ref, &best, &best_sad);
        if ((int)best != want_best || (int)best_sad != want_sad) {
            std::printf("MISMATCH test %d: got best %d sad %d, expected best %d sad %d\n", t, (int)best, (int)best_sad, want_best, want_sad);
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
