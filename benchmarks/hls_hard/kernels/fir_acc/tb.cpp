// Self-checking testbench for fir_acc: exact double model, round-half-up, saturate.
#include <cmath>
#include <cstdio>

#include "kernel.h"

static unsigned lcg_state = 7u;
static unsigned lcg() {
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return lcg_state >> 8;
}

static double quant(double v) {
    double r = std::floor(std::ldexp(v, 14) + 0.5) / 16384.0;
    const double hi = 2.0 - 1.0 / 16384.0;
    return r > hi ? hi : (r < -2.0 ? -2.0 : r);
}

int main() {
    const double coef[FIR_TAPS] = {0.0625, -0.125, 0.25, 0.8125, 0.8125, 0.25, -0.125, 0.0625};
    int errors = 0;
    for (int t = 0; t < 6; t++) {
        double x[FIR_LEN];
        sample_t in[FIR_LEN];
        out_t out[FIR_LEN];
        for (int i = 0; i < FIR_LEN; i++) {
            int raw = (int)(lcg() % 65536) - 32768;  // full range
            if (t == 1) raw = (i / 16) % 2 ? -32768 : 32767;   // full-scale square wave
            if (t == 2) raw = (i % 8 < 4) ? 32767 : -32768;
            if (t == 3) raw = (int)(lcg() % 4096) - 2048;      // small signal
            if (t == 4) raw = (i % 8 == 1 || i % 8 == 6) ? -32768 : 32767;  // aligned with the taps signs
            x[i] = raw / 16384.0;
            in[i] = x[i];
            out[i] = 0;
        }
        fir_acc(in, out);
        for (int i = 0; i < FIR_LEN; i++) {
            double s = 0;
            for (int k = 0; k < FIR_TAPS; k++) s += i - k >= 0 ? coef[k] * x[i - k] : 0.0;
            double want = quant(s);
            if (out[i].to_double() != want) {
                if (errors < 5) std::printf("MISMATCH test %d y[%d]: got %.6f expected %.6f\n", t, i, out[i].to_double(), want);
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
