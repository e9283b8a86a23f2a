// Self-checking testbench for trig_capture: a direct model (floor halving, arming by sample
// index) over directed signals (bursts closer together than the holdoff, a trigger at the last
// sample, full-scale negative samples, the lowest level) and seeded random signals; checks every
// captured sample, the output length, the trigger count and the first trigger.
#include <cstdio>

#include "kernel.h"

static unsigned lcg(unsigned &s) {
    s = s * 1664525u + 1013904223u;
    return s >> 8;
}

// hweval: the harness reseeds the random part of the stimulus on every run (hweval_seed); the
// directed cases stay fixed, so every seed still exposes the bugs they were written for.
static unsigned tb_seed = 9u;
void hweval_seed(unsigned s) { tb_seed = s; }

static int x[TC_MAX];

static int floor_half(int s) { return s >= 0 ? s / 2 : -((-s + 1) / 2); }

static int run_case(int tc, int n, int level, int holdoff) {
    hls::stream<tc_smp_t> in, out;
    for (int i = 0; i < n; i++) in.write(x[i]);
    ap_uint<12> n_trig = 77, first = 77;
    trig_capture(in, out, n, level, holdoff, n_trig, first);
    int errors = 0, trig = 0, armed_from = 0, k = 0, first_at = n;
    for (int i = 0; i < n; i++) {
        const int y = floor_half(x[i] + (i ? x[i - 1] : 0));
        if (i < armed_from || y < level) continue;
        if (trig++ == 0) first_at = i;
        armed_from = i + holdoff + 1;
        for (int j = i; j < i + TC_CAP && j < n; j++, k++) {
            if (out.empty()) {
                std::printf("MISMATCH case %d: output ends at word %d (trigger %d at sample %d)\n", tc, k, trig, i);
                return errors + 1;
            }
            const int got = out.read().to_int();
            if (got != x[j]) {
                if (errors < 4)
                    std::printf("MISMATCH case %d word %d (trigger %d at sample %d, level %d, holdoff %d): got %d "
                                "expected %d\n", tc, k, trig, i, level, holdoff, got, x[j]);
                errors++;
            }
        }
    }
    if (!out.empty()) {
        std::printf("MISMATCH case %d: extra output words after %d\n", tc, k);
        errors++;
    }
    if (n_trig.to_int() != trig || first.to_int() != first_at) {
        std::printf("MISMATCH case %d: n_trig %d first %d expected %d %d\n", tc, n_trig.to_int(), first.to_int(), trig,
                    first_at);
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
        if (tc == 0) {  // pulses every 6 samples with a holdoff of 8 (every second pulse is ignored)
            for (int i = 0; i < 60; i++) x[i] = (i % 6 == 2 || i % 6 == 3) ? 1500 + 10 * i : -20 - i;
            errors += run_case(0, 60, 1000, 8);
            continue;
        }
        if (tc == 1) {  // a slow ramp through the level, holdoff at its minimum; a trigger at the last sample
            for (int i = 0; i < 40; i++) x[i] = -2048 + 100 * i;
            x[39] = 2047;
            errors += run_case(1, 40, 0, TC_CAP - 1);
            continue;
        }
        if (tc == 2) {  // full-scale negative samples and the lowest level: every armed sample triggers
            for (int i = 0; i < 30; i++) x[i] = -2048;
            errors += run_case(2, 30, -2048, 5);
            continue;
        }
        if (tc == 3) {  // negative odd sums just below the level (floor halving keeps them below)
            for (int i = 0; i < 20; i++) x[i] = (i % 2) ? -101 : -98;
            errors += run_case(3, 20, -99, 3);
            continue;
        }
        // seeded random signals: noise plus random bursts, random levels and holdoffs
        const int n = 1 + (int)(lcg(seed) % (tc < 20 ? 300 : TC_MAX));
        for (int i = 0; i < n; i++) {
            x[i] = (int)(lcg(seed) % 401) - 200;
            if (lcg(seed) % 16 == 0) x[i] = (int)(lcg(seed) % 4096) - 2048;
        }
        errors += run_case(tc, n, (int)(lcg(seed) % 1200) - 400, TC_CAP - 1 + (int)(lcg(seed) % 40));
    }
    if (errors) {
        std::printf("TB FAIL: %d mismatches\n", errors);
        return 1;
    }
    std::printf("TB PASS\n");
    return 0;
}
