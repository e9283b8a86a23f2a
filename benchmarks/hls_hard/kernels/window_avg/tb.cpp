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
    for (int t = 0; t < 4; t++) {
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
