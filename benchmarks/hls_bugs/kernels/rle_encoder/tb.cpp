// Self-checking testbench for rle_encode.
#include <cstdio>

#include "kernel.h"

static unsigned lcg_state = 3u;
static unsigned lcg() {
    lcg_state = lcg_state * 1103515245u + 12345u;
    return (lcg_state >> 12) & 0xFFFFu;
}

static int ref_rle(const unsigned *in, unsigned *vals, unsigned *runs) {
    int n = 0;
    unsigned cur = in[0], run = 1;
    for (int i = 1; i < RLE_N; i++) {
        if (in[i] == cur && run < RLE_MAX_RUN) {
            run++;
        } else {
            vals[n] = cur; runs[n] = run; n++;
            cur = in[i]; run = 1;
        }
    }
    vals[n] = cur; runs[n] = run;
    return n + 1;
}

int main() {
    int errors = 0;
    for (int trial = 0; trial < 6; trial++) {
        unsigned x[RLE_N], rv[RLE_N], rr[RLE_N];
        sym_t in[RLE_N], vals[RLE_N];
        run_t runs[RLE_N];
        for (int i = 0; i < RLE_N; i++) {
            x[i] = (lcg() % 4 == 0) ? lcg() % 256 : (i ? x[i - 1] : 7u);
            if (trial == 1) x[i] = 42u;                 // one long run, split at 15
            if (trial == 2) x[i] = (unsigned)i;         // no runs
            if (trial == 3) x[i] = (i < 40) ? 9u : 10u;
            in[i] = x[i];
            vals[i] = 0;
            runs[i] = 0;
        }
        int n_ref = ref_rle(x, rv, rr);
        int n = rle_encode(in, vals, runs);
        if (n != n_ref || n < 1 || n > RLE_N) {
            if (errors < 5) std::printf("MISMATCH trial %d: %d pairs, expected %d\n", trial, n, n_ref);
            errors++;
            continue;
        }
        for (int k = 0; k < n; k++) {
            if (vals[k].to_uint() != rv[k] || runs[k].to_uint() != rr[k]) {
                if (errors < 5) std::printf("MISMATCH trial %d pair %d: (%u, %u) expected (%u, %u)\n", trial, k,
                                            vals[k].to_uint(), runs[k].to_uint(), rv[k], rr[k]);
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
