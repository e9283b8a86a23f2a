// Self-checking testbench for insertion_sort: sorted output and the number of inversions.
#include <cstdio>

#include "kernel.h"

static unsigned lcg_state = 271828u;
static unsigned lcg() {
    lcg_state = lcg_state * 1103515245u + 12345u;
    return (lcg_state >> 8) & 0xFFFFu;
}

int main() {
    int errors = 0;
    for (int trial = 0; trial < 30; trial++) {
        int v[INS_N];
        skey_t a[INS_N];
        for (int i = 0; i < INS_N; i++) {
            v[i] = (int)(lcg() % 65536) - 32768;
            if (trial == 1) v[i] = 100 - i;
            if (trial == 2) v[i] = i;
            if (trial == 3) v[i] = (i % 4) * 1000 - 1500;
            a[i] = v[i];
        }
        int inversions = 0;
        for (int i = 0; i < INS_N; i++)
            for (int j = i + 1; j < INS_N; j++)
                if (v[i] > v[j]) inversions++;
        for (int i = 0; i < INS_N; i++)
            for (int j = i + 1; j < INS_N; j++)
                if (v[j] < v[i]) { int t = v[i]; v[i] = v[j]; v[j] = t; }
        int moves = insertion_sort(a);
        if (moves != inversions) {
            if (errors < 5) std::printf("MISMATCH trial %d moves: got %d expected %d\n", trial, moves, inversions);
            errors++;
        }
        for (int i = 0; i < INS_N; i++) {
            if (a[i].to_int() != v[i]) {
                if (errors < 5) std::printf("MISMATCH trial %d index %d: got %d expected %d\n", trial, i, a[i].to_int(), v[i]);
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
