// Self-checking testbench for bfp_align: 64-bit integer model with explicit floor.
#include <cstdio>

#include "kernel.h"

static unsigned lcg_state = 48u;
static unsigned lcg() {
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return lcg_state >> 8;
}

static long long scale(long long m, int e) {
    if (e >= 0) return m * (1LL << e);
    long long d = 1LL << (-e);
    return m >= 0 ? m / d : -((-m + d - 1) / d);
}

int main() {
    int errors = 0;
    // hweval: the cases run in an order drawn from the seed, the random case (t == 0) 15 more
    // times, so no directed case sits at the same call position under every seed
    int tb_order[20];
    {
        unsigned s = lcg_state ^ 0x5bd1e995u;
        for (int i = 0; i < 20; i++) tb_order[i] = i < 5 ? i : 0;
        for (int i = 20 - 1; i > 0; i--) {
            s = s * 1664525u + 1013904223u;
            int j = (int)((s >> 8) % (unsigned)(i + 1));
            int tmp = tb_order[i];
            tb_order[i] = tb_order[j];
            tb_order[j] = tmp;
        }
    }
    for (int tb_i = 0; tb_i < 20; tb_i++) {
        const int t = tb_order[tb_i];
        mant_t m[BA_N];
        exp_t e[BA_N];
        ap_int<32> out[BA_N];
        ap_int<40> sum = 0;
        long long mv[BA_N];
        int ev[BA_N];
        for (int i = 0; i < BA_N; i++) {
            mv[i] = (long long)(lcg() % 65536) - 32768;
            ev[i] = (int)(lcg() % 32) - 16;
            if (t == 1) ev[i] = -(int)(lcg() % 17);       // right shifts only
            if (t == 2) ev[i] = (int)(lcg() % 4);         // small left shifts
            if (t == 3) { mv[i] = i % 2 ? 32767 : -32768; ev[i] = 15; }
            m[i] = mv[i];
            e[i] = ev[i];
        }
        bfp_align(m, e, out, &sum);
        long long total = 0;
        for (int i = 0; i < BA_N; i++) {
            long long want = scale(mv[i], ev[i]);
            total += want;
            if (out[i].to_int64() != want) {
                if (errors < 5) std::printf("MISMATCH test %d: %lld * 2^%d: got %lld expected %lld\n", t, mv[i], ev[i], (long long)out[i].to_int64(), want);
                errors++;
            }
        }
        if (sum.to_int64() != total) {
            std::printf("MISMATCH test %d sum: got %lld expected %lld\n", t, (long long)sum.to_int64(), total);
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
