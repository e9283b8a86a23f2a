// Self-checking testbench for stereo_dcblock: per-channel model with explicit state, over
// several consecutive calls (the state must carry over and stay per channel).
#include <cmath>
#include <cstdio>

#include "kernel.h"

static unsigned lcg_state = 55u;
static unsigned lcg() {
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return lcg_state >> 8;
}

struct Model {
    smp_t x1 = 0;
    dcy_t y1 = 0;
    dco_t step(smp_t x) {
        const ap_ufixed<8, 0> a = 0.9921875;
        dcy_t y = x - x1 + a * y1;
        x1 = x;
        y1 = y;
        return y;
    }
};

int main() {
    Model ml, mr;
    int errors = 0;
    for (int call = 0; call < 6; call++) {
        smp_t l[DC_BLOCK], r[DC_BLOCK];
        dco_t ol[DC_BLOCK], orr[DC_BLOCK];
        for (int n = 0; n < DC_BLOCK; n++) {
            double dl = 0.25 + 0.5 * std::sin(0.3 * (call * DC_BLOCK + n));   // left: DC offset + tone
            double dr = ((int)(lcg() % 8192) - 4096) / 16384.0 - 0.1;        // right: noise, other offset
            l[n] = dl;
            r[n] = dr;
        }
        smp_t lc[DC_BLOCK], rc[DC_BLOCK];  // the testbench's own copy of the input
        for (int n = 0; n < DC_BLOCK; n++) {
            lc[n] = l[n];
            rc[n] = r[n];
        }
        stereo_dcblock(l, r, ol, orr);
        for (int n = 0; n < DC_BLOCK; n++) {
            dco_t el = ml.step(lc[n]);
            dco_t er = mr.step(rc[n]);
            if (ol[n] != el || orr[n] != er) {
                if (errors < 5) std::printf("MISMATCH call %d n %d: got (%.6f, %.6f) expected (%.6f, %.6f)\n", call, n, ol[n].to_double(), orr[n].to_double(), el.to_double(), er.to_double());
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
