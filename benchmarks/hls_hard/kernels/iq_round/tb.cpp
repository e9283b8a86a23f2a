// Self-checking testbench for iq_round: integer model of Q() (23 -> 15 fractional bits,
// ties away from zero, symmetric limit); 5120 input codes (every residue of the low bits, both
// ends of the range) against several gains.
#include <cstdio>

#include "kernel.h"

// hweval: the harness reseeds the random part of the stimulus on every run (hweval_seed); the
// directed cases stay fixed, so every seed still exposes the bugs they were written for.
static unsigned tb_seed = 0u;
void hweval_seed(unsigned s) { tb_seed = s; }
static unsigned lcg(unsigned &s) {
    s = s * 1664525u + 1013904223u;
    return s >> 8;
}

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
    int g_raw[8] = {256, 1023, 384, 200, 1, 640, 0, 0};  // 1.0, 3.996, 1.5, 0.78, 2^-8, 2.5, two random gains
    unsigned seed = tb_seed;
    g_raw[6] = 1 + (int)(lcg(seed) % 1023);
    g_raw[7] = 1 + (int)(lcg(seed) % 1023);
    const int off = tb_seed ? (int)(lcg(seed) % 65536) : 0;  // where the stride starts
    int errors = 0;
    // hweval: the cases run in an order drawn from the seed, so no directed case sits at the same
    // call position under every seed
    int tb_order[8];
    {
        unsigned s = tb_seed ^ 0x5bd1e995u;
        for (int i = 0; i < 8; i++) tb_order[i] = i;
        for (int i = 8 - 1; i > 0; i--) {
            s = s * 1664525u + 1013904223u;
            int j = (int)((s >> 8) % (unsigned)(i + 1));
            int tmp = tb_order[i];
            tb_order[i] = tb_order[j];
            tb_order[j] = tmp;
        }
    }
    for (int tb_i = 0; tb_i < 8; tb_i++) {
        const int t = tb_order[tb_i];
        gain_t g;
        g.range(9, 0) = g_raw[t];
        for (int c = 0; c < 80; c++) {
            iq_pair x[IQ_N], out[IQ_N], conj[IQ_N];
            long long xi[IQ_N], xq[IQ_N];  // the testbench's own copy of the input
            for (int n = 0; n < IQ_N; n++) {
                // block 0: the negative end of the range; then a stride of 13 that visits every
                // residue of the low bits (so every kind of tie) across the whole range
                int v = c == 0 ? -32768 + n : (((c * IQ_N + n) * 13 + off) & 0xFFFF) - 32768;
                x[n].i.range(15, 0) = v & 0xFFFF;
                x[n].q.range(15, 0) = (-v - 1) & 0xFFFF;
                xi[n] = raw(x[n].i);
                xq[n] = raw(x[n].q);
            }
            iq_round(x, out, conj, g);
            for (int n = 0; n < IQ_N; n++) {
                long long wi = q_model(xi[n] * g_raw[t]);
                long long wq = q_model(xq[n] * g_raw[t]);
                long long got[4] = {raw(out[n].i), raw(out[n].q), raw(conj[n].i), raw(conj[n].q)};
                long long want[4] = {wi, wq, wi, -wq};
                for (int k = 0; k < 4; k++) {
                    if (got[k] != want[k]) {
                        if (errors < 5)
                            std::printf("MISMATCH g_raw=%d x_raw=(%lld,%lld) field %d: got %lld expected %lld (2^-15 units)\n",
                                        g_raw[t], xi[n], xq[n], k, got[k], want[k]);
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
