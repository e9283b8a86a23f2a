// Self-checking testbench for phasor_mix: the same arithmetic written out step by step, plus a
// check against the ideal phasor (double) so that a model error cannot hide.
#include <cmath>
#include <cstdio>

#include "kernel.h"

static unsigned lcg_state = 3u;
static unsigned lcg() {
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return lcg_state >> 8;
}

int main() {
    const double angles[3] = {0.1, -0.7853981633974483, 2.5};
    int errors = 0;
    // hweval: the cases run in an order drawn from the seed, so no directed case sits at the same
    // call position under every seed
    int tb_order[3];
    {
        unsigned s = lcg_state ^ 0x5bd1e995u;
        for (int i = 0; i < 3; i++) tb_order[i] = i;
        for (int i = 3 - 1; i > 0; i--) {
            s = s * 1664525u + 1013904223u;
            int j = (int)((s >> 8) % (unsigned)(i + 1));
            int tmp = tb_order[i];
            tb_order[i] = tb_order[j];
            tb_order[j] = tmp;
        }
    }
    for (int tb_i = 0; tb_i < 3; tb_i++) {
        const int t = tb_order[tb_i];
        cx_t xr[PM_N], xi[PM_N];
        cy_t yr[PM_N], yi[PM_N];
        for (int n = 0; n < PM_N; n++) {
            xr[n] = ((int)(lcg() % 65536) - 32768) / 32768.0;
            xi[n] = ((int)(lcg() % 65536) - 32768) / 32768.0;
            yr[n] = 0;
            yi[n] = 0;
        }
        cw_t rr = std::cos(angles[t]), ri = std::sin(angles[t]);
        cx_t cr[PM_N], ci[PM_N];  // the testbench's own copy of the input
        for (int n = 0; n < PM_N; n++) {
            cr[n] = xr[n];
            ci[n] = xi[n];
        }
        phasor_mix(xr, xi, yr, yi, rr, ri);
        cw_t wr = 1, wi = 0;
        for (int n = 0; n < PM_N; n++) {
            cy_t er = cr[n] * wr - ci[n] * wi;
            cy_t ei = cr[n] * wi + ci[n] * wr;
            if (yr[n] != er || yi[n] != ei) {
                if (errors < 5) std::printf("MISMATCH test %d y[%d]: got (%.7f, %.7f) expected (%.7f, %.7f)\n", t, n, yr[n].to_double(), yi[n].to_double(), er.to_double(), ei.to_double());
                errors++;
            }
            double ideal = std::hypot(wr.to_double(), wi.to_double());
            if (std::fabs(ideal - 1.0) > 0.01) errors++;  // the model itself must stay a phasor
            cw_t nr = wr * rr - wi * ri;
            cw_t ni = wr * ri + wi * rr;
            wr = nr;
            wi = ni;
        }
    }
    if (errors) {
        std::printf("TB FAIL: %d mismatches\n", errors);
        return 1;
    }
    std::printf("TB PASS\n");
    return 0;
}
