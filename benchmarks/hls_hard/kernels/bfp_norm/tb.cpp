// Self-checking testbench for bfp_norm: the exponent found by trying every s, on blocks whose
// only extreme (at every position in turn) is a negative power of two or a positive 2^k - 1,
// all-zero / all -1 blocks, and random blocks of every magnitude.
#include <cstdio>

#include "kernel.h"

static unsigned lcg(unsigned &s) {
    s = s * 1664525u + 1013904223u;
    return s >> 8;
}

// hweval: the harness reseeds the random part of the stimulus on every run (hweval_seed); the
// directed cases stay fixed, so every seed still exposes the bugs they were written for.
static unsigned tb_seed = 3u;
void hweval_seed(unsigned s) { tb_seed = s; }

int main() {
    int errors = 0;
    unsigned seed = tb_seed;
    // hweval: the cases run in an order drawn from the seed, so no directed case sits at the same
    // call position under every seed
    int tb_order[400];
    {
        unsigned s = tb_seed ^ 0x5bd1e995u;
        for (int i = 0; i < 400; i++) tb_order[i] = i;
        for (int i = 400 - 1; i > 0; i--) {
            s = s * 1664525u + 1013904223u;
            int j = (int)((s >> 8) % (unsigned)(i + 1));
            int tmp = tb_order[i];
            tb_order[i] = tb_order[j];
            tb_order[j] = tmp;
        }
    }
    for (int tb_i = 0; tb_i < 400; tb_i++) {
        const int t = tb_order[tb_i];
        long long xv[BN_N];
        bs_t x[BN_N], y[BN_N];
        int mag = t % 16;  // random samples below 2^mag
        for (int i = 0; i < BN_N; i++) {
            int below = (t % 5 <= 1 && mag >= 3) ? mag - 3 : mag;  // the planted extreme stands alone
            long long v = (long long)(lcg(seed) % (1u << below));
            if (lcg(seed) & 1) v = -v;
            // the extreme, at every position of the block in turn: a negative power of two, or
            // the largest positive value of that magnitude
            if (t % 5 == 0 && i == (t / 5) % BN_N) v = -(1LL << mag);
            if (t % 5 == 1 && i == (BN_N - 1 - (t / 5) % BN_N)) v = (1LL << mag) - 1;
            if (t == 2) v = 0;
            if (t == 3) v = -(i & 1);
            if (t == 4) v = -32768;
            xv[i] = v;
            x[i] = (int)v;
        }
        int want_s = 0;
        for (int s = 15; s >= 0; s--) {
            bool ok = true;
            for (int i = 0; i < BN_N; i++)
                if (xv[i] * (1LL << s) > 32767 || xv[i] * (1LL << s) < -32768) ok = false;
            if (ok) { want_s = s; break; }
        }
        ap_uint<4> e;
        bfp_norm(x, y, e);
        if ((int)e != want_s) {
            if (errors < 5) std::printf("MISMATCH block %d: exp %d expected %d\n", t, (int)e, want_s);
            errors++;
            continue;
        }
        for (int i = 0; i < BN_N; i++) {
            long long want = xv[i] * (1LL << want_s);
            if (y[i].to_int64() != want) {
                if (errors < 5) std::printf("MISMATCH block %d y[%d]: got %lld expected %lld\n", t, i, y[i].to_int64(), want);
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
