// Self-checking testbench for quantize: double reference of scale, round half up, saturate.
#include <cmath>
#include <cstdio>

#include "kernel.h"

static unsigned lcg_state = 2718u;
static unsigned lcg() {
    lcg_state = lcg_state * 1103515245u + 12345u;
    return (lcg_state >> 8) & 0xFFFFu;
}

int main() {
    int errors = 0;
    for (int shift = 0; shift < 8; shift++) {
        double x[QZ_LEN];
        act_t in[QZ_LEN];
        ap_int<8> out[QZ_LEN];
        for (int i = 0; i < QZ_LEN; i++) {
            int raw = (int)(lcg() % 65536) - 32768;
            if (shift >= 3) raw >>= (shift + 2);
            if (i == 0) raw = 512;     // exactly 0.5
            if (i == 1) raw = -512;    // exactly -0.5
            if (i == 2) raw = -32768;  // most negative
            x[i] = raw / 1024.0;
            in[i] = x[i];
            out[i] = 0;
        }
        quantize(in, out, ap_uint<3>(shift));
        for (int i = 0; i < QZ_LEN; i++) {
            double q = std::floor(std::ldexp(x[i], shift) + 0.5);
            if (q > 127) q = 127;
            if (q < -128) q = -128;
            if (out[i].to_int() != (int)q) {
                if (errors < 5) std::printf("MISMATCH shift %d x=%.5f: got %d expected %d\n", shift, x[i], out[i].to_int(), (int)q);
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
