// Self-checking testbench for dataflow_pipeline: double model of round + saturate + sum.
#include <cmath>
#include <cstdio>

#include "kernel.h"

static unsigned lcg_state = 13u;
static unsigned lcg() {
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return lcg_state >> 10;
}

static double round_sat(double v) {  // ap_fixed<16, 6, AP_RND, AP_SAT>
    double r = std::floor(std::ldexp(v, 10) + 0.5) / 1024.0;
    const double hi = 32.0 - 1.0 / 1024.0, lo = -32.0;
    return r > hi ? hi : (r < lo ? lo : r);
}

int main() {
    int errors = 0;
    const double gains[] = {1.5, -3.25, 7.999, 0.0009765625};
    for (int t = 0; t < 4; t++) {
        in_t in[DF_LEN];
        double x[DF_LEN];
        out_t out[DF_LEN / DF_GROUP];
        for (int i = 0; i < DF_LEN; i++) {
            x[i] = ((int)(lcg() % 4096) - 2048) / 256.0;  // exact in ap_fixed<12, 4>
            in[i] = x[i];
        }
        for (int g = 0; g < DF_LEN / DF_GROUP; g++) out[g] = 0;
        gain_t gain = gains[t];
        double gd = gain.to_double();
        dataflow_pipeline(in, out, gain);
        for (int g = 0; g < DF_LEN / DF_GROUP; g++) {
            double s = 0;
            for (int k = 0; k < DF_GROUP; k++) s += round_sat(x[g * DF_GROUP + k] * gd);
            if (std::fabs(out[g].to_double() - s) > 1e-9) {
                if (errors < 5) std::printf("MISMATCH gain %g group %d: got %.6f expected %.6f\n", gd, g, out[g].to_double(), s);
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
