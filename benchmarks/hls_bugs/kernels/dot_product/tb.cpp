// Self-checking testbench for dot_product: double reference with the output truncation.
#include <cmath>
#include <cstdio>

#include "kernel.h"

static unsigned lcg_state = 2024u;
static unsigned lcg() {
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return lcg_state >> 12;
}

static double quantize(double v, int frac_bits) {
    return std::floor(std::ldexp(v, frac_bits)) / std::ldexp(1.0, frac_bits);
}

int main() {
    int errors = 0;
    for (int trial = 0; trial < 6; trial++) {
        vec_t a[DOT_LEN], b[DOT_LEN];
        double acc = 0;
        for (int i = 0; i < DOT_LEN; i++) {
            double x = quantize(((int)(lcg() % 60000) - 30000) / 4000.0, 12);
            double y = quantize(((int)(lcg() % 60000) - 30000) / 4000.0, 12);
            if (trial == 1) { x = -8.0; y = (i % 2) ? 7.5 : -7.75; }
            if (trial == 2) { x = 0.000244140625 * (i + 1); y = -0.5; }
            a[i] = x;
            b[i] = y;
            acc += x * y;
        }
        double expect = quantize(acc, 14);
        double got = dot_product(a, b).to_double();
        if (std::fabs(got - expect) > 1e-9) {
            std::printf("MISMATCH trial %d: got %.6f expected %.6f\n", trial, got, expect);
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
