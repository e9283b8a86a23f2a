// Self-checking testbench for lvl_shift: an integer model (samples in 2^-15 units, g in 2^-8
// units, ties to even) over directed blocks (exact ties with even and odd neighbours, gains
// that overshoot and offsets that bring the level back, full-scale -1) and seeded random blocks;
// checks every sample and the four statistics.
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

// round(p / 256), ties to even, for any sign.
static long long round_even_256(long long p) {
    long long q = p >= 0 ? p / 256 : -((-p + 255) / 256);  // floor
    long long r = p - q * 256;                              // 0 .. 255
    if (r > 128 || (r == 128 && (q & 1))) q++;
    return q;
}

static int run_case(int tc, const int *xr, int g_raw, int o_raw) {
    lv_smp_t x[LV_N], y[LV_N];
    for (int i = 0; i < LV_N; i++) x[i].range(15, 0) = xr[i];
    lv_gain_t g;
    g.range(11, 0) = g_raw;
    lv_smp_t o;
    o.range(15, 0) = o_raw;
    ap_uint<7> n_lim = 99, n_neg = 99;
    lv_sum_t sum = 99;
    lv_peak_t peak = 0.5;
    lvl_shift(x, g, o, y, n_lim, sum, peak, n_neg);
    int errors = 0, want_lim = 0, want_neg = 0;
    long long want_sum = 0, want_peak = 0;
    for (int i = 0; i < LV_N; i++) {
        long long v = round_even_256((long long)xr[i] * g_raw) + o_raw;
        if (v < -32768 || v > 32767) want_lim++;
        long long w = v < -32768 ? -32768 : v > 32767 ? 32767 : v;
        want_sum += w;
        want_neg += w < 0;
        want_peak = (w < 0 ? -w : w) > want_peak ? (w < 0 ? -w : w) : want_peak;
        long long got = (long long)(y[i].to_double() * 32768.0);
        if (got != w) {
            if (errors < 4)
                std::printf("MISMATCH case %d i %d (x=%d g_raw=%d o=%d, 2^-15 units): y %lld expected %lld\n", tc, i,
                            xr[i], g_raw, o_raw, got, w);
            errors++;
        }
    }
    if (n_lim.to_int() != want_lim || (long long)(sum.to_double() * 32768.0) != want_sum ||
        (long long)(peak.to_double() * 32768.0) != want_peak || n_neg.to_int() != want_neg) {
        std::printf("MISMATCH case %d: n_lim %d sum %.6f peak %.6f n_neg %d expected %d %.6f %.6f %d\n", tc,
                    n_lim.to_int(), sum.to_double(), peak.to_double(), n_neg.to_int(), want_lim, want_sum / 32768.0,
                    want_peak / 32768.0, want_neg);
        errors++;
    }
    return errors;
}

int main() {
    unsigned seed = tb_seed;
    int errors = 0;
    int xr[LV_N];
    // hweval: the directed cases (tc < 6) and the seeded random ones run in an order drawn
    // from the seed
    int order[40];
    for (int k = 0; k < 40; k++) order[k] = k;
    for (int k = 40 - 1; k > 0; k--) {
        int j = (int)(lcg(seed) % (unsigned)(k + 1));
        int tmp = order[k];
        order[k] = order[j];
        order[j] = tmp;
    }
    for (int oi = 0; oi < 40; oi++) {
        const int tc = order[oi];
        if (tc < 6) {
            if (tc < 2)  // 0, 1: exact ties (g = 0.5 and 1.5) with even and odd lower neighbours, both signs
                for (int i = 0; i < LV_N; i++) xr[i] = (i % 2 ? -1 : 1) * (i / 2 + 1);
            else if (tc < 4)  // 2, 3: gains that overshoot 1 and an offset that brings the level back inside
                for (int i = 0; i < LV_N; i++) xr[i] = (i % 3 == 0 ? -24576 : 24576) + 64 * i;
            else  // 4, 5: full-scale -1 everywhere (4: unity gain, no offset: peak 1, sum -64)
                for (int i = 0; i < LV_N; i++) xr[i] = -32768;
            const int g_v[6] = {128, 384, 512, 4095, 256, 4095}, o_v[6] = {0, 5, -24576, 32767, 0, -32768};
            errors += run_case(tc, xr, g_v[tc], o_v[tc]);
            continue;
        }
        // seeded random blocks, random gains and offsets
        for (int i = 0; i < LV_N; i++) xr[i] = (int)(lcg(seed) % 65536) - 32768;
        const int g_raw = tc % 2 ? (int)(lcg(seed) % 4096) : (int)(lcg(seed) % 16) * 128;
        errors += run_case(tc, xr, g_raw, (int)(lcg(seed) % 65536) - 32768);
    }
    if (errors) {
        std::printf("TB FAIL: %d mismatches\n", errors);
        return 1;
    }
    std::printf("TB PASS\n");
    return 0;
}
