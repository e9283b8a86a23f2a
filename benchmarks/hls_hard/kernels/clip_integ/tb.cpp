// Self-checking testbench for clip_integ: a 64-bit integer model over directed runs (totals that
// go negative, a limit of 0, the largest limit and start values, negative read-outs with and
// without a fraction) and seeded random runs; checks every read-out and the four statistics.
#include <cstdio>

#include "kernel.h"

static unsigned lcg(unsigned &s) {
    s = s * 1664525u + 1013904223u;
    return s >> 8;
}

// hweval: the harness reseeds the random part of the stimulus on every run (hweval_seed); the
// directed cases stay fixed, so every seed still exposes the bugs they were written for.
static unsigned tb_seed = 21u;
void hweval_seed(unsigned s) { tb_seed = s; }

static int d[CI_MAX];

static int run_case(int tc, int n, int start, unsigned hi, int s_raw) {
    hls::stream<ci_d_t> in;
    hls::stream<ap_int<32> > out;
    for (int i = 0; i < n; i++) in.write(d[i]);
    ci_gain_t s;
    s.range(7, 0) = s_raw;
    ap_uint<13> n_hit = 5, n_neg = 5;
    ap_int<32> lowest = 5, highest = 5;
    clip_integ(in, out, n, start, hi, s, n_hit, lowest, highest, n_neg);
    int errors = 0, hits = 0, negs = 0;
    long long t = start, low = 0, high = 0;
    for (int i = 0; i < n; i++) {
        long long v = t + d[i];
        if (v > (long long)hi) {
            v = hi;
            hits++;
        }
        t = v;
        low = (i == 0 || t < low) ? t : low;
        high = (i == 0 || t > high) ? t : high;
        long long p = t * s_raw;                         // in 1/256 units
        long long q = p >= 0 ? p / 256 : -((-p) / 256);  // fraction dropped, sign kept
        negs += q < 0;
        if (out.empty()) {
            std::printf("MISMATCH case %d: output ends at %d\n", tc, i);
            return errors + 1;
        }
        long long got = out.read().to_int64();
        if (got != q) {
            if (errors < 4)
                std::printf("MISMATCH case %d i %d (total %lld, s_raw %d, hi %u): got %lld expected %lld\n", tc, i, t,
                            s_raw, hi, got, q);
            errors++;
        }
    }
    if (!out.empty()) {
        std::printf("MISMATCH case %d: extra output words\n", tc);
        errors++;
    }
    if (n_hit.to_int() != hits || lowest.to_int64() != low || highest.to_int64() != high || n_neg.to_int() != negs) {
        std::printf("MISMATCH case %d: n_hit %d lowest %lld highest %lld n_neg %d expected %d %lld %lld %d\n", tc,
                    n_hit.to_int(), (long long)lowest.to_int64(), (long long)highest.to_int64(), n_neg.to_int(), hits,
                    low, high, negs);
        errors++;
    }
    return errors;
}

int main() {
    unsigned seed = tb_seed;
    int errors = 0;
    // hweval: the directed cases (tc < 4) and the seeded random ones run in an order drawn
    // from the seed
    int order[24];
    for (int k = 0; k < 24; k++) order[k] = k;
    for (int k = 24 - 1; k > 0; k--) {
        int j = (int)(lcg(seed) % (unsigned)(k + 1));
        int tmp = order[k];
        order[k] = order[j];
        order[j] = tmp;
    }
    for (int oi = 0; oi < 24; oi++) {
        const int tc = order[oi];
        if (tc == 0) {  // a total that falls below zero and climbs back into the limit
            for (int i = 0; i < 100; i++) d[i] = i < 40 ? -1000 - i : 2500;
            errors += run_case(0, 100, 5000, 60000, 77);
            continue;
        }
        if (tc == 1) {  // limit 0, negative start: the total stays at or below 0
            for (int i = 0; i < 50; i++) d[i] = (i % 5) ? 300 : -32768;
            errors += run_case(1, 50, -(1 << 20), 0, 255);
            continue;
        }
        if (tc == 2) {  // the largest limit and start, full-scale increments of both signs
            for (int i = 0; i < 64; i++) d[i] = (i % 2) ? 32767 : -32768;
            errors += run_case(2, 64, 1 << 20, (1u << 30) - 1, 129);
            continue;
        }
        if (tc == 3) {  // a long fall at full scale (lowest total about -2^27)
            for (int i = 0; i < CI_MAX; i++) d[i] = -32768;
            errors += run_case(3, CI_MAX, -(1 << 20), 1000, 3);
            continue;
        }
        // seeded random runs: random walks around zero
        const int n = 1 + (int)(lcg(seed) % (tc < 20 ? 400 : CI_MAX));
        const int bias = (int)(lcg(seed) % 2001) - 1000;
        for (int i = 0; i < n; i++) {
            int v = bias + (int)(lcg(seed) % 20001) - 10000;
            d[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
        }
        const int start = (int)(lcg(seed) % (2 * (1 << 20) + 1)) - (1 << 20);
        const unsigned hi = tc % 3 ? lcg(seed) % 200000u : lcg(seed) % (1u << 24) * 64u;
        errors += run_case(tc, n, start, hi, (int)(lcg(seed) % 256));
    }
    if (errors) {
        std::printf("TB FAIL: %d mismatches\n", errors);
        return 1;
    }
    std::printf("TB PASS\n");
    return 0;
}
