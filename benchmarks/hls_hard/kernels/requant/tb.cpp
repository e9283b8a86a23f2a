// Self-checking testbench for requant: 64-bit integer model (floor division for >>).
#include <cstdio>

#include "kernel.h"

static unsigned lcg_state = 99u;
static unsigned lcg() {
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return lcg_state >> 4;
}

static long long model(long long a, long long m, int s, int zp) {
    long long p = a * m;
    long long t = p + (1LL << (s - 1));
    long long r = t >= 0 ? t >> s : -((-t + (1LL << s) - 1) >> s);  // floor(t / 2^s)
    long long v = r + zp;
    return v > 127 ? 127 : (v < -128 ? -128 : v);
}

int main() {
    const int shifts[4][RQ_CH] = {{1, 2, 7, 12, 16, 20, 24, 31},
                                  {32, 33, 34, 36, 38, 39, 40, 35},
                                  {30, 31, 32, 33, 29, 28, 40, 37},
                                  {8, 9, 10, 11, 13, 14, 15, 17}};
    int errors = 0;
    // hweval: the cases run in an order drawn from the seed, so no directed case sits at the same
    // call position under every seed
    int tb_order[8];
    {
        unsigned s = lcg_state ^ 0x5bd1e995u;
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
        acc_t acc[RQ_N];
        q8_t out[RQ_N];
        mult_t mult[RQ_CH];
        shift_t shift[RQ_CH];
        long long a[RQ_N], m[RQ_CH];
        int zp = (int)(lcg() % 256) - 128;
        for (int c = 0; c < RQ_CH; c++) {
            m[c] = (long long)(lcg() % 65536) - 32768;
            if (t == 0 && c < 2) m[c] = c ? 32767 : -32768;
            mult[c] = m[c];
            shift[c] = shifts[t % 4][c];
        }
        for (int i = 0; i < RQ_N; i++) {
            int s = shifts[t % 4][i % RQ_CH];
            long long span = s >= 31 ? (1LL << 31) : (s >= 16 ? (1LL << (s - 10)) : (1LL << 12));
            long long raw = (long long)((((unsigned long long)lcg() << 20) ^ lcg()) % (unsigned long long)(2 * span)) - span;
            if (raw > 2147483647LL) raw = 2147483647LL;
            a[i] = raw;
            acc[i] = raw;
            out[i] = 0;
        }
        requant(acc, out, mult, shift, (q8_t)zp);
        for (int i = 0; i < RQ_N; i++) {
            long long want = model(a[i], m[i % RQ_CH], shifts[t % 4][i % RQ_CH], zp);
            if (out[i].to_int() != want) {
                if (errors < 5) std::printf("MISMATCH test %d out[%d] (shift %d): got %d expected %lld\n", t, i, shifts[t % 4][i % RQ_CH], out[i].to_int(), want);
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
