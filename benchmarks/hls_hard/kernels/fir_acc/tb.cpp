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
    // hweval: the cases run in an order drawn from the seed, the random case (t == 0) 18 more
    // times, so no directed case sits at the same call position under every seed
    int tb_order[24];
    {
        unsigned s = lcg_state ^ 0x5bd1e995u;
        for (int i = 0; i < 24; i++) tb_order[i] = i < 6 ? i : 0;
        for (int i = 24 - 1; i > 0; i--) {
            s = s * 1664525u + 1013904223u;
            int j = (int)((s >> 8) % (unsigned)(i + 1));
            int tmp = tb_order[i];
            tb_order[i] = tb_order[j];
            tb_order[j] = tmp;
        }
    }
    for (int tb_i = 0; tb_i < 24; tb_i++) {
        const int t = tb_order[tb_i];
        double x[FIR_LEN];
        sample_t in[FIR_LEN];
        out_t out[FIR_LEN];
        const bool rails = lcg() & 1;  // random cases: half of them full-scale samples of random sign
        for (int i = 0; i < FIR_LEN; i++) {
            int raw = (int)(lcg() % 65536) - 32768;  // full range
            if (rails) raw = (lcg() & 1) ? 32767 : -32768;
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
