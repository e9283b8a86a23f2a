// Self-checking testbench for hsmooth_stream: direct model with replicated borders over
// random, ramp and edge-heavy images (distinct values at both borders), checks the number of
// outputs.
#include <cstdio>

#include "kernel.h"

static unsigned lcg(unsigned &s) {
    s = s * 1664525u + 1013904223u;
    return s >> 8;
}

// hweval: the harness reseeds the random part of the stimulus on every run (hweval_seed); the
// directed cases stay fixed, so every seed still exposes the bugs they were written for.
static unsigned tb_seed = 11u;
void hweval_seed(unsigned s) { tb_seed = s; }

int main() {
    int errors = 0;
    unsigned seed = tb_seed;
    // hweval: the cases run in an order drawn from the seed, the random case (t == 3) 10 more
    // times, so no directed case sits at the same call position under every seed
    int tb_order[15];
    {
        unsigned s = tb_seed ^ 0x5bd1e995u;
        for (int i = 0; i < 15; i++) tb_order[i] = i < 5 ? i : 3;
        for (int i = 15 - 1; i > 0; i--) {
            s = s * 1664525u + 1013904223u;
            int j = (int)((s >> 8) % (unsigned)(i + 1));
            int tmp = tb_order[i];
            tb_order[i] = tb_order[j];
            tb_order[j] = tmp;
        }
    }
    for (int tb_i = 0; tb_i < 15; tb_i++) {
        const int t = tb_order[tb_i];
        hls::stream<hs_pix_t> in, out;
        static int v[HS_H][HS_W];
        for (int r = 0; r < HS_H; r++)
            for (int c = 0; c < HS_W; c++) {
                int p;
                if (t == 0) p = (c * 13 + r * 7) % 256;
                else if (t == 1) p = (c == HS_W - 1 || c == 0) ? 255 : (c == HS_W - 2 || c == 1) ? 0 : 128;
                else if (t == 2) p = 255 - c * 12;
                else p = (int)(lcg(seed) % 256);
                v[r][c] = p;
                in.write(p);
            }
        hsmooth_stream(in, out);
        for (int r = 0; r < HS_H; r++)
            for (int c = 0; c < HS_W; c++) {
                int l = v[r][c > 0 ? c - 1 : 0], m = v[r][c], rr = v[r][c < HS_W - 1 ? c + 1 : HS_W - 1];
                int want = (l + 2 * m + rr + 2) / 4;
                if (out.empty()) {
                    if (errors < 5) std::printf("MISMATCH test=%d r=%d c=%d: output missing\n", t, r, c);
                    errors++;
                    continue;
                }
                int got = out.read().to_int();
                if (got != want) {
                    if (errors < 5) std::printf("MISMATCH test=%d r=%d c=%d: got %d expected %d\n", t, r, c, got, want);
                    errors++;
                }
            }
        if (!out.empty()) {
            std::printf("MISMATCH test=%d: extra outputs\n", t);
            errors++;
            while (!out.empty()) out.read();
        }
        if (!in.empty()) {
            std::printf("MISMATCH test=%d: inputs left unread\n", t);
            errors++;
            while (!in.empty()) in.read();
        }
    }
    if (errors) {
        std::printf("TB FAIL: %d mismatches\n", errors);
        return 1;
    }
    std::printf("TB PASS\n");
    return 0;
}
