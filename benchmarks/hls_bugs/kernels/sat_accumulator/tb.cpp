// Self-checking testbench for sat_accumulator.
#include <cstdio>

#include "kernel.h"

static unsigned lcg_state = 5555u;
static unsigned lcg() {
    lcg_state = lcg_state * 1103515245u + 12345u;
    return (lcg_state >> 9) & 0xFFFFu;
}

int main() {
    int errors = 0;
    long ref = 0;
    for (int call = 0; call < 8; call++) {
        bool clear = (call == 0 || call == 5);
        int x[SA_LEN];
        sample_t in[SA_LEN];
        acc_t out[SA_LEN];
        for (int i = 0; i < SA_LEN; i++) {
            x[i] = (int)(lcg() % 4096) - 2048;
            if (call == 1 || call == 2) x[i] = 2047 - (int)(lcg() % 300);   // drive into +saturation
            if (call == 3 || call == 4) x[i] = -2048 + (int)(lcg() % 300);  // and into -saturation
            in[i] = x[i];
            out[i] = 0;
        }
        sat_accumulator(in, out, clear);
        if (clear) ref = 0;
        for (int i = 0; i < SA_LEN; i++) {
            ref += x[i];
            if (ref > 32767) ref = 32767;
            if (ref < -32768) ref = -32768;
            if (out[i].to_int() != ref) {
                if (errors < 5) std::printf("MISMATCH call %d i=%d: got %d expected %ld\n", call, i, out[i].to_int(), ref);
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
