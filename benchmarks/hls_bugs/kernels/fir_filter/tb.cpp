// Self-checking testbench for fir_filter: a double-precision model of the same filter.
#include <cmath>
#include <cstdio>

#include "kernel.h"

static const double REF_COEFS[FIR_TAPS] = {
    0.0125, -0.025, 0.05, -0.075, 0.1, 0.15, 0.2, 0.25,
    0.25, 0.2, 0.15, 0.1, -0.075, 0.05, -0.025, 0.0125};

static unsigned lcg_state = 12345u;
static unsigned lcg() {
    lcg_state = lcg_state * 1103515245u + 12345u;
    return (lcg_state >> 8) & 0xFFFFu;
}

// ap_fixed default quantisation truncates towards minus infinity.
static double quantize(double v, int frac_bits) {
    return std::floor(std::ldexp(v, frac_bits)) / std::ldexp(1.0, frac_bits);
}

int main() {
    double coefs[FIR_TAPS];
    for (int i = 0; i < FIR_TAPS; i++) coefs[i] = quantize(REF_COEFS[i], 14);
    double hist[FIR_TAPS] = {0};
    int errors = 0;
    for (int n = 0; n < 200; n++) {
        bool reset = (n == 0 || n == 120);
        double x = quantize(((int)lcg() - 32768) / 24000.0, 14);
        if (n % 37 == 5) x = 1.99;
        if (n % 41 == 7) x = -2.0;
        x = quantize(x, 14);
        if (reset)
            for (int i = 0; i < FIR_TAPS; i++) hist[i] = 0;
        for (int i = FIR_TAPS - 1; i > 0; i--) hist[i] = hist[i - 1];
        hist[0] = x;
        double acc = 0;
        for (int i = 0; i < FIR_TAPS; i++) acc += hist[i] * coefs[i];
        double expect = quantize(acc, 18);
        out_t y;
        fir_filter(sample_t(x), reset, y);
        if (std::fabs(y.to_double() - expect) > 1e-9) {
            if (errors < 5) std::printf("MISMATCH n=%d: got %.8f expected %.8f\n", n, y.to_double(), expect);
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
