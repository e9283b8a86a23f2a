// Self-checking testbench for bitonic_sort: compares with a simple selection sort.
#include <cstdio>

#include "kernel.h"

static unsigned lcg_state = 6060u;
static unsigned lcg() {
    lcg_state = lcg_state * 1103515245u + 12345u;
    return (lcg_state >> 8) & 0xFFFFu;
}

int main() {
    int errors = 0;
    for (int trial = 0; trial < 40; trial++) {
        int ref[SORT_N];
        skey_t data[SORT_N];
        for (int i = 0; i < SORT_N; i++) {
            ref[i] = (int)(lcg() % 65536) - 32768;
            if (trial == 1) ref[i] = SORT_N - i;
            if (trial == 2) ref[i] = (i % 3) - 1;
            data[i] = ref[i];
        }
        for (int i = 0; i < SORT_N; i++)
            for (int j = i + 1; j < SORT_N; j++)
                if (ref[j] < ref[i]) { int t = ref[i]; ref[i] = ref[j]; ref[j] = t; }
        bitonic_sort(data);
        for (int i = 0; i < SORT_N; i++) {
            if (data[i].to_int() != ref[i]) {
                if (errors < 5) std::printf("MISMATCH trial %d index %d: got %d expected %d\n", trial, i, data[i].to_int(), ref[i]);
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
