// Self-checking testbench for bubble_sort: a reference bubble sort on plain ints.
#include <cstdio>

#include "kernel.h"

static unsigned lcg_state = 161803u;
static unsigned lcg() {
    lcg_state = lcg_state * 1103515245u + 12345u;
    return (lcg_state >> 8) & 0xFFFFu;
}

static int ref_sort(unsigned *v) {
    int passes = 0;
    for (int p = 0; p < BS_N - 1; p++) {
        bool swapped = false;
        passes++;
        for (int i = 0; i < BS_N - 1 - p; i++)
            if (v[i] < v[i + 1]) { unsigned t = v[i]; v[i] = v[i + 1]; v[i + 1] = t; swapped = true; }
        if (!swapped) break;
    }
    return passes;
}

int main() {
    int errors = 0;
    for (int trial = 0; trial < 30; trial++) {
        unsigned v[BS_N];
        data_t a[BS_N];
        for (int i = 0; i < BS_N; i++) {
            v[i] = lcg() % 4096u;
            if (trial == 1) v[i] = 4095u - i;   // already sorted
            if (trial == 2) v[i] = i * 300u;    // reversed
            if (trial == 3) v[i] = (i == 5) ? 4000u : 7u;
            a[i] = v[i];
        }
        int passes = ref_sort(v);
        int got = bubble_sort(a);
        if (got != passes) {
            if (errors < 5) std::printf("MISMATCH trial %d passes: got %d expected %d\n", trial, got, passes);
            errors++;
        }
        for (int i = 0; i < BS_N; i++) {
            if (a[i].to_uint() != v[i]) {
                if (errors < 5) std::printf("MISMATCH trial %d index %d: got %u expected %u\n", trial, i, a[i].to_uint(), v[i]);
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
