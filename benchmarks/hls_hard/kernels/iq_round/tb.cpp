// Self-checking testbench for iq_round: integer model of Q() (23 -> 15 fractional bits,
// ties away from zero, symmetric limit); 5120 input codes (every residue of the low bits, both
// ends of the range) against several gains.
#include <cstdio>

#include "kernel.h"

static long long q_model(long long p) {  // p: exact product in 2^-23 units -> raw 2^-15 units
    long long mag = p < 0 ? -p : p;
    long long r = (mag + 128) >> 8;  // ties away from zero
    if (r > 32767) r = 32767;
    return p < 0 ? -r : r;
}

static long long raw(iq_t v) {
    long long r = v.range(15, 0).to_int64();
    return r >= 32768 ? r - 65536 : r;
}

int main() {
    const int g_raw[6] = {256, 1023, 384, 200, 1, 640};  // 1.0, 3.996, 1.5, 0.78, 2^-8, 2.5
    int errors = 0;
    for (int t = 0; t < 6; t++) {
        gain_t g;
        g.range(9, 0) = g_raw[t];
        for (int c = 0; c < 80; c++) {
            iq_pair x[IQ_N], out[IQ_N], conj[IQ_N];
            for (int n = 0; n < IQ_N; n++) {
                // block 0: the negative end of the range; then a stride of 13 that visits every
                // residue of the low bits (so every kind of tie) across the whole range
                int v = c == 0 ? -32768 + n : (((c * IQ_N + n) * 13) & 0xFFFF) - 32768;
                x[n].i.range(15, 0) = v & 0xFFFF;
                x[n].q.range(15, 0) = (-v - 1) & 0xFFFF;
            }
            iq_round(x, out, conj, g);
            for (int n = 0; n < IQ_N; n++) {
                long long wi = q_model((long long)raw(x[n].i) * g_raw[t]);
                long long wq = q_model((long long)raw(x[n].q) * g_raw[t]);
                long long got[4] = {raw(out[n].i), raw(out[n].q), raw(conj[n].i), raw(conj[n].q)};
                long long want[4] = {wi, wq, wi, -wq};
                for (int k = 0; k < 4; k++) {
                    if (got[k] != want[k]) {
                        if (errors < 5)
                            std::printf("MISMATCH g_raw=%d x_raw=(%lld,%lld) field %d: got %lld expected %lld (2^-15 units)\n",
                                        g_raw[t], raw(x[n].i), raw(x[n].q), k, got[k], want[k]);
                        errors++;
                    }
                }
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
