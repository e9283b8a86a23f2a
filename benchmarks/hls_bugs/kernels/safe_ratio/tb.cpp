// Self-checking testbench for safe_ratio, with zero denominators and a zero period.
#include <cstdio>

#include "kernel.h"

static unsigned lcg_state = 60u;
static unsigned lcg() {
    lcg_state = lcg_state * 1103515245u + 12345u;
    return (lcg_state >> 9) & 0xFFFFu;
}

int main() {
    int errors = 0;
    const int periods[] = {7, 0, 1, -3, 40};
    for (int t = 0; t < 5; t++) {
        int nv[SR_LEN], dv[SR_LEN];
        ap_int<12> num[SR_LEN], den[SR_LEN];
        ap_int<16> q[SR_LEN];
        ap_uint<6> phase[SR_LEN];
        for (int i = 0; i < SR_LEN; i++) {
            nv[i] = (int)(lcg() % 4096) - 2048;
            dv[i] = (lcg() % 5 == 0) ? 0 : (int)(lcg() % 4096) - 2048;
            if (t == 2) dv[i] = 0;
            if (t == 3) nv[i] = -nv[i] / 2;
            num[i] = nv[i];
            den[i] = dv[i];
            q[i] = 0;
            phase[i] = 63;
        }
        ap_uint<6> nz = 0;
        safe_ratio(num, den, q, nz, periods[t], phase);
        int zeros = 0;
        for (int i = 0; i < SR_LEN; i++) {
            int expect = dv[i] ? (nv[i] * 16) / dv[i] : (nv[i] < 0 ? SR_MIN : SR_MAX);
            int ph = periods[t] > 0 ? i % periods[t] : 0;
            zeros += dv[i] == 0;
            if (q[i].to_int() != expect || (int)phase[i].to_uint() != ph) {
                if (errors < 5) std::printf("MISMATCH t=%d i=%d: q %d/%d phase %u/%d\n", t, i, q[i].to_int(), expect, phase[i].to_uint(), ph);
                errors++;
            }
        }
        if ((int)nz.to_uint() != zeros) {
            if (errors < 5) std::printf("MISMATCH t=%d n_zero %u/%d\n", t, nz.to_uint(), zeros);
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
