// Self-checking testbench for sign_split: blocks with equal and unequal sign counts, all
// negative, all non-negative, and pseudo-random; checks every output word and the count.
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

int main() {
    int errors = 0;
    unsigned seed = tb_seed;
    // hweval: the cases run in an order drawn from the seed, so no directed case sits at the same
    // call position under every seed
    int tb_order[6];
    {
        unsigned s = tb_seed ^ 0x5bd1e995u;
        for (int i = 0; i < 6; i++) tb_order[i] = i;
        for (int i = 6 - 1; i > 0; i--) {
            s = s * 1664525u + 1013904223u;
            int j = (int)((s >> 8) % (unsigned)(i + 1));
            int tmp = tb_order[i];
            tb_order[i] = tb_order[j];
            tb_order[j] = tmp;
        }
    }
    for (int tb_i = 0; tb_i < 6; tb_i++) {
        const int t = tb_order[tb_i];
        const int nb = t == 0 ? 1 : 4 + t;
        static int blocks[16][SS_N];
        hls::stream<smp_t> in;
        hls::stream<ap_uint<16> > out;
        for (int b = 0; b < nb; b++)
            for (int i = 0; i < SS_N; i++) {
                int v;
                int kind = (t + b) % 5;
                if (t == 0) v = (i % 2) ? -(i + 1) : i;                 // equal counts
                else if (kind == 0) v = -2048 + (int)(lcg(seed) % 2048); // all negative
                else if (kind == 1) v = (int)(lcg(seed) % 2048);         // all non-negative
                else if (kind == 2) v = i < 5 ? -1 - i : 2047 - i;       // few negatives
                else v = (int)(lcg(seed) % 4096) - 2048;
                blocks[b][i] = v;
                in.write(v);
            }
        sign_split(in, out, nb);
        for (int b = 0; b < nb; b++) {
            int want[SS_N + 1];
            int nn = 0, k = 1;
            for (int i = 0; i < SS_N; i++)
                if (blocks[b][i] < 0) want[k++] = blocks[b][i] & 0xFFF, nn++;
            for (int i = 0; i < SS_N; i++)
                if (blocks[b][i] >= 0) want[k++] = blocks[b][i];
            want[0] = (nn << 7) | (SS_N - nn);
            for (int j = 0; j <= SS_N; j++) {
                if (out.empty()) {
                    if (errors < 5) std::printf("MISMATCH test %d block %d: output ends at word %d\n", t, b, j);
                    errors++;
                    break;
                }
                int got = (int)out.read().to_uint();
                if (got != want[j]) {
                    if (errors < 5)
                        std::printf("MISMATCH test %d block %d word %d: got 0x%04x expected 0x%04x\n", t, b, j, got, want[j]);
                    errors++;
                }
            }
        }
        if (!out.empty()) {
            std::printf("MISMATCH test %d: extra output words\n", t);
            errors++;
            while (!out.empty()) out.read();
        }
        while (!in.empty()) in.read();
    }
    if (errors) {
        std::printf("TB FAIL: %d mismatches\n", errors);
        return 1;
    }
    std::printf("TB PASS\n");
    return 0;
}
