// Self-checking testbench for blur3_stream: direct model with clamped indices on flat,
// gradient, impulse-at-every-border and pseudo-random images; checks the number of outputs.
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

static int clampi(int v, int lo, int hi) { return v < lo ? lo : (v > hi ? hi : v); }

int main() {
    int errors = 0;
    unsigned seed = tb_seed;
    const int w[3] = {1, 2, 1};
    // hweval: the cases run in an order drawn from the seed, the random case (t == 6) 20 more
    // times, so no directed case sits at the same call position under every seed
    int tb_order[30];
    {
        unsigned s = tb_seed ^ 0x5bd1e995u;
        for (int i = 0; i < 30; i++) tb_order[i] = i < 10 ? i : 6;
        for (int i = 30 - 1; i > 0; i--) {
            s = s * 1664525u + 1013904223u;
            int j = (int)((s >> 8) % (unsigned)(i + 1));
            int tmp = tb_order[i];
            tb_order[i] = tb_order[j];
            tb_order[j] = tmp;
        }
    }
    for (int tb_i = 0; tb_i < 30; tb_i++) {
        const int t = tb_order[tb_i];
        int img[BL_H][BL_W];
        for (int r = 0; r < BL_H; r++)
            for (int c = 0; c < BL_W; c++) {
                int v;
                if (t == 0) v = 255;
                else if (t == 1) v = c * 21 + r;
                else if (t == 2) v = r * 28 + (c & 1);
                else if (t == 3) v = (r == 0 || r == BL_H - 1 || c == 0 || c == BL_W - 1) ? 255 : 0;
                else if (t == 4) v = (r == BL_H - 1 && c == BL_W - 1) ? 255 : ((r == 0 && c == 0) ? 200 : 0);
                else if (t == 5) v = (c == BL_W - 2 || r == BL_H - 2) ? 250 : 3;
                else v = (int)(lcg(seed) % 256);
                img[r][c] = v;
            }
        hls::stream<pix_t> in, out;
        for (int r = 0; r < BL_H; r++)
            for (int c = 0; c < BL_W; c++) in.write(img[r][c]);
        blur3_stream(in, out);
        int count = 0;
        for (int r = 0; r < BL_H; r++)
            for (int c = 0; c < BL_W; c++) {
                int s = 0;
                for (int dr = -1; dr <= 1; dr++)
                    for (int dc = -1; dc <= 1; dc++)
                        s += w[dr + 1] * w[dc + 1] * img[clampi(r + dr, 0, BL_H - 1)][clampi(c + dc, 0, BL_W - 1)];
                int want = (s + 8) >> 4;
                if (out.empty()) {
                    if (errors < 5) std::printf("MISMATCH test %d: output ends at pixel (%d, %d)\n", t, r, c);
                    errors++;
                    continue;
                }
                int got = out.read().to_int();
                count++;
                if (got != want) {
                    if (errors < 5) std::printf("MISMATCH test %d pixel (%d, %d): got %d expected %d\n", t, r, c, got, want);
                    errors++;
                }
            }
        if (!out.empty() || !in.empty()) {
            std::printf("MISMATCH test %d: %s\n", t, in.empty() ? "extra output pixels" : "input pixels left unread");
            errors++;
            while (!out.empty()) out.read();
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
