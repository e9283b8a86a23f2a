// Self-checking testbench for peak_drop: an integer model over directed signals (full-scale
// -32768 windows, a quiet signal with a margin above its peak, a decaying burst, steps that
// rise and fall, a silent start) and seeded random signals; checks every code and both
// statistics.
#include <cstdio>

#include "kernel.h"

static unsigned lcg(unsigned &s) {
    s = s * 1664525u + 1013904223u;
    return s >> 8;
}

// hweval: the harness reseeds the random part of the stimulus on every run (hweval_seed); the
// directed cases stay fixed, so every seed still exposes the bugs they were written for.
static unsigned tb_seed = 7u;
void hweval_seed(unsigned s) { tb_seed = s; }

static int x[PD_MAX];

static int run_case(int tc, int n, int margin) {
    hls::stream<pd_smp_t> in;
    hls::stream<ap_uint<2> > out;
    for (int i = 0; i < n; i++) in.write(x[i]);
    ap_uint<13> n_drop = 9, longest = 9;
    peak_drop(in, out, n, margin, n_drop, longest);
    int errors = 0;
    long long peak = 0;
    int want_drop = 0, run = 0, want_long = 0;
    for (int i = PD_WIN - 1; i < n; i++) {
        long long s = 0;
        for (int k = 0; k < PD_WIN; k++) s += x[i - k] < 0 ? -(long long)x[i - k] : x[i - k];
        const int rise = (i == PD_WIN - 1) || s > peak;
        if (rise) peak = s;
        const int drop = s < peak - margin;
        want_drop += drop;
        run = drop ? run + 1 : 0;
        want_long = run > want_long ? run : want_long;
        const int want = rise * 2 + drop;
        if (out.empty()) {
            std::printf("MISMATCH case %d: output ends at window %d\n", tc, i);
            return errors + 1;
        }
        const int got = out.read().to_int();
        if (got != want) {
            if (errors < 4)
                std::printf("MISMATCH case %d window %d (s=%lld peak=%lld margin=%d): code %d expected %d\n", tc, i, s,
                            peak, margin, got, want);
            errors++;
        }
    }
    if (!out.empty()) {
        std::printf("MISMATCH case %d: extra codes\n", tc);
        errors++;
    }
    if (n_drop.to_int() != want_drop || longest.to_int() != want_long) {
        std::printf("MISMATCH case %d: n_drop %d longest %d expected %d %d\n", tc, n_drop.to_int(), longest.to_int(),
                    want_drop, want_long);
        errors++;
    }
    return errors;
}

int main() {
    unsigned seed = tb_seed;
    int errors = 0;
    // hweval: the directed cases (tc < 5) and the seeded random ones run in an order drawn
    // from the seed
    int order[25];
    for (int k = 0; k < 25; k++) order[k] = k;
    for (int k = 25 - 1; k > 0; k--) {
        int j = (int)(lcg(seed) % (unsigned)(k + 1));
        int tmp = order[k];
        order[k] = order[j];
        order[j] = tmp;
    }
    for (int oi = 0; oi < 25; oi++) {
        const int tc = order[oi];
        if (tc == 0) {  // full-scale negative samples (window sum 262144), then a fall and a rise
            for (int i = 0; i < 64; i++) x[i] = i < 20 ? -32768 : i < 40 ? 1000 - i : (i % 2 ? 32767 : -32768);
            errors += run_case(0, 64, 5000);
            continue;
        }
        if (tc == 1) {  // a quiet signal whose margin is above its peak (no window can drop)
            for (int i = 0; i < 50; i++) x[i] = (i % 7) - 3;
            errors += run_case(1, 50, 100);
            continue;
        }
        if (tc == 2) {  // a decaying burst (long run of drops), margin 0
            for (int i = 0; i < 300; i++) x[i] = (i < 16 ? 30000 : 30000 / (1 + (i - 16) / 8)) * (i % 2 ? 1 : -1);
            errors += run_case(2, 300, 0);
            continue;
        }
        if (tc == 3) {  // the shortest call
            for (int i = 0; i < PD_WIN; i++) x[i] = -32768;
            errors += run_case(3, PD_WIN, (1 << 20) - 1);
            continue;
        }
        if (tc == 4) {  // a signal that starts silent (the first window sums to 0 and still counts as a rise)
            for (int i = 0; i < 40; i++) x[i] = i < 12 ? 0 : (i % 5) * 50 - 100;
            errors += run_case(4, 40, 120);
            continue;
        }
        // seeded random signals: random levels, lengths and margins (often above the peak)
        const int n = PD_WIN + (int)(lcg(seed) % (tc < 21 ? 200 : PD_MAX - PD_WIN + 1));
        int level = 1 + (int)(lcg(seed) % 32768);
        for (int i = 0; i < n; i++) {
            if (lcg(seed) % 64 == 0) level = 1 + (int)(lcg(seed) % 32768);
            x[i] = (int)(lcg(seed) % (2 * level + 1)) - level;
            if (x[i] > 32767) x[i] = 32767;
        }
        errors += run_case(tc, n, (int)(lcg(seed) % (tc % 2 ? 4096 : (1 << 20))));
    }
    if (errors) {
        std::printf("TB FAIL: %d mismatches\n", errors);
        return 1;
    }
    std::printf("TB PASS\n");
    return 0;
}
