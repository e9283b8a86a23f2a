// Self-checking testbench for window_avg: direct window sums with floor division.
#include <cstdio>

#include "kernel.h"

static unsigned lcg_state = 123u;
static unsigned lcg() {
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return lcg_state >> 9;
}

int main() {
    int errors = 0;
    // hweval: the cases run in an order drawn from the seed, the random case (t == 0) 12 more
    // times, so no directed case sits at the same call position under every seed
    int tb_order[16];
    {
        unsigned s = lcg_state ^ 0x5bd1e995u;
        for (int i = 0; i < 16; i++) tb_order[i] = i < 4 ? i : 0;
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
        int x[WA_N];
        hls::stream<wa_t> in("in"), out("out");
        for (int n = 0; n < WA_N; n++) {
            x[n] = (int)(lcg() % 4096) - 2048;
            if (t == 1) x[n] = n % 10 < 5 ? 2047 : -2048;
            if (t == 2) x[n] = (int)(lcg() % 9) - 4;
            in.write(x[n]);
        }
        window_avg(in, out);
        for (int n = 0; n < WA_N; n++) {
            int s = 0;
            for (int k = 0; k < WA_WIN; k++) s += n - k >= 0 ? x[n - k] : 0;
            int want = s >= 0 ? s / 4 : -((-s + 3) / 4);
            if (out.empty()) {
                std::printf("MISMATCH test %d: only %d outputs\n", t, n);
                errors++;
                break;
            }
            int got = out.read().to_int();
            if (got != want) {
                if (errors < 5) std::printf("MISMATCH test %d out[%d]: got %d expected %d\n", t, n, got, want);
                errors++;
            }
        }
        while (!out.empty()) {
            out.read();
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
