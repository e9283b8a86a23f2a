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
    // every shift of [1, 40] is used (red team s16: a fix wrong only at shifts the table left out passed)
    const int shifts[6][RQ_CH] = {{1, 2, 3, 4, 5, 6, 7, 12},
                                  {32, 33, 34, 36, 38, 39, 40, 35},
                                  {30, 31, 8, 9, 29, 28, 40, 37},
                                  {8, 9, 10, 11, 13, 14, 15, 17},
                                  {16, 18, 19, 20, 21, 22, 23, 24},
                                  {25, 26, 27, 31, 20, 1, 40, 12}};
    int errors = 0;
    // hweval: the cases run in an order drawn from the seed, so no directed case sits at the same
    // call position under every seed
    int tb_order[18];
    {
        unsigned s = lcg_state ^ 0x5bd1e995u;
        for (int i = 0; i < 18; i++) tb_order[i] = i;
        for (int i = 18 - 1; i > 0; i--) {
            s = s * 1664525u + 1013904223u;
            int j = (int)((s >> 8) % (unsigned)(i + 1));
            int tmp = tb_order[i];
            tb_order[i] = tb_order[j];
            tb_order[j] = tmp;
        }
    }
    for (int tb_i = 0; tb_i < 18; tb_i++) {
        const int t = tb_order[tb_i];
        acc_t acc[RQ_N];
        q8_t out[RQ_N];
        mult_t mult[RQ_CH];
        shift_t shift[RQ_CH];
        long long a[RQ_N], m[RQ_CH];
        // tests 12..17: every product on or next to the rounding tie of its shift (p = r * 2^s + 2^(s-1)
        // +- 2^k), zp = 0 so the result stays inside int8 (red team s16: a fix wrong on one shift's ties passed)
        const bool tie = t >= 12;
        int zp = tie ? 0 : (int)(lcg() % 256) - 128;
        for (int c = 0; c < RQ_CH; c++) {
            m[c] = (long long)(lcg() % 65536) - 32768;
            if (t == 0 && c < 2) m[c] = c ? 32767 : -32768;
            if (tie) {
                int k = shifts[t % 6][c] > 25 ? shifts[t % 6][c] - 25 : 0;
                m[c] = (k == 15 || (c & 1)) ? -(1LL << k) : (1LL << k);
            }
            mult[c] = m[c];
            shift[c] = shifts[t % 6][c];
        }
        for (int i = 0; i < RQ_N; i++) {
            int s = shifts[t % 6][i % RQ_CH];
            long long span = s >= 31 ? (1LL << 31) : (s >= 16 ? (1LL << (s - 10)) : (1LL << 12));
            long long raw = (long long)((((unsigned long long)lcg() << 20) ^ lcg()) % (unsigned long long)(2 * span)) - span;
            if (raw > 2147483647LL) raw = 2147483647LL;
            if (tie) {
                int unit = s > 25 ? 25 : s;
                long long r = (long long)(lcg() % 121) - 60, delta = (long long)(lcg() % 3) - 1;
                raw = r * (1LL << unit) + (1LL << (unit - 1)) + delta;
            }
            a[i] = raw;
            acc[i] = raw;
            out[i] = 0;
        }
        requant(acc, out, mult, shift, (q8_t)zp);
        for (int i = 0; i < RQ_N; i++) {
            long long want = model(a[i], m[i % RQ_CH], shifts[t % 6][i % RQ_CH], zp);
            if (out[i].to_int() != want) {
                if (errors < 5) std::printf("MISMATCH test %d out[%d] (shift %d): got %d expected %lld\n", t, i, shifts[t % 6][i % RQ_CH], out[i].to_int(), want);
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
