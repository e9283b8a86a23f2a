// Self-checking testbench for moving_average: plain integer reference.
#include <cstdio>

#include "kernel.h"

static unsigned lcg_state = 4242u;
static unsigned lcg() {
    lcg_state = lcg_state * 1103515245u + 12345u;
    return (lcg_state >> 10) & 0xFFFFu;
}

static int floor_div8(int v) { return (v >= 0) ? v / 8 : -((-v + 7) / 8); }

int main() {
    int errors = 0;
    for (int trial = 0; trial < 5; trial++) {
        int x[MA_LEN];
        sample_t in[MA_LEN], out[MA_LEN];
        for (int n = 0; n < MA_LEN; n++) {
            x[n] = (int)(lcg() % 4096) - 2048;
            if (trial == 1) x[n] = 2047;
            if (trial == 2) x[n] = -2048;
            if (trial == 3) x[n] = (n % 2) ? 1000 : -999;
            in[n] = x[n];
        }
        moving_average(in, out);
        for (int n = 0; n < MA_LEN; n++) {
            int s = 0;
            for (int k = 0; k < MA_WIN; k++)
                if (n - k >= 0) s += x[n - k];
            int expect = floor_div8(s);
            if (out[n].to_int() != expect) {
                if (errors < 5) std::printf("MISMATCH trial %d n=%d: got %d expected %d\n", trial, n, out[n].to_int(), expect);
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
