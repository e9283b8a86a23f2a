// Self-checking testbench for popcount.
#include <cstdint>
#include <cstdio>

#include "kernel.h"

static unsigned lcg_state = 99991u;
static uint32_t lcg() {
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return lcg_state;
}

int main() {
    int errors = 0;
    for (int trial = 0; trial < 4; trial++) {
        uint32_t v[PC_LEN];
        word_t in[PC_LEN];
        ap_uint<6> counts[PC_LEN];
        for (int i = 0; i < PC_LEN; i++) {
            v[i] = lcg();
            if (trial == 1) v[i] = (i == 17) ? 0xFFFFFFFFu : (1u << (i % 32));
            if (trial == 2) v[i] = (i % 3) ? 0u : 0x80000001u;
            if (trial == 3) v[i] &= lcg() & lcg();
            in[i] = v[i];
            counts[i] = 0;
        }
        ap_uint<11> total = 0;
        int max_idx = -1;
        popcount(in, counts, total, max_idx);
        unsigned ref_total = 0, best = 0;
        int best_idx = 0;
        for (int i = 0; i < PC_LEN; i++) {
            unsigned c = 0;
            for (int b = 0; b < 32; b++) c += (v[i] >> b) & 1u;
            ref_total += c;
            if (c > best) { best = c; best_idx = i; }
            if (counts[i].to_uint() != c) {
                if (errors < 5) std::printf("MISMATCH trial %d word %d: got %u expected %u\n", trial, i, counts[i].to_uint(), c);
                errors++;
            }
        }
        if (total.to_uint() != ref_total || max_idx != best_idx) {
            if (errors < 5) std::printf("MISMATCH trial %d total %u/%u max_idx %d/%d\n", trial, total.to_uint(), ref_total, max_idx, best_idx);
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
