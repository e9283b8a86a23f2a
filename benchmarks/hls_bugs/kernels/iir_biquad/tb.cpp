// Self-checking testbench for iir_biquad: double model with the same output quantisation.
#include <cmath>
#include <cstdio>

#include "kernel.h"

static unsigned lcg_state = 777u;
static unsigned lcg() {
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return lcg_state >> 8;
}

static double quantize(double v, int frac_bits) {  // AP_TRN: towards minus infinity
    return std::floor(std::ldexp(v, frac_bits)) / std::ldexp(1.0, frac_bits);
}

static void reference(const double *x, double *y) {
    const double b0 = quantize(0.2, 16), b1 = quantize(0.4, 16), b2 = quantize(0.2, 16);
    const double a1 = quantize(-0.6, 16), a2 = quantize(0.2, 16);
    double x1 = 0, x2 = 0, y1 = 0, y2 = 0;
    for (int n = 0; n < IIR_LEN; n++) {
        double acc = b0 * x[n] + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
        double out = quantize(acc, 14);
        x2 = x1;
        x1 = x[n];
        y2 = y1;
        y1 = out;
        y[n] = out;
    }
}

int main() {
    int errors = 0;
    for (int trial = 0; trial < 4; trial++) {
        double xd[IIR_LEN], yd[IIR_LEN];
        data_t x[IIR_LEN], y[IIR_LEN];
        for (int n = 0; n < IIR_LEN; n++) {
            double v = (double)(lcg() % 20000) / 10000.0 - 1.0;
            if (trial == 1) v = (n < 40) ? 1.5 : -1.5;  // step response
            if (trial == 2) v = (n == 0) ? 2.0 : 0.0;   // impulse response
            xd[n] = quantize(v, 14);
            x[n] = xd[n];
            y[n] = 0;
        }
        reference(xd, yd);
        iir_biquad(x, y);
        for (int n = 0; n < IIR_LEN; n++) {
            if (std::fabs(y[n].to_double() - yd[n]) > 1e-9) {
                if (errors < 5) std::printf("MISMATCH trial %d n=%d: got %.6f expected %.6f\n", trial, n, y[n].to_double(), yd[n]);
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
