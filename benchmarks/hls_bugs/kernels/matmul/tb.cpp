// Self-checking testbench for matmul: integer reference.
#include <cstdio>

#include "kernel.h"

static unsigned lcg_state = 99u;
static unsigned lcg() {
    lcg_state = lcg_state * 1103515245u + 12345u;
    return (lcg_state >> 9) & 0xFFFFu;
}

int main() {
    int errors = 0;
    for (int trial = 0; trial < 4; trial++) {
        int a[MM_M][MM_K], b[MM_K][MM_N];
        din_t A[MM_M][MM_K], B[MM_K][MM_N];
        dout_t C[MM_M][MM_N];
        for (int i = 0; i < MM_M; i++)
            for (int k = 0; k < MM_K; k++) {
                a[i][k] = (trial == 1) ? -128 : (int)(lcg() % 256) - 128;
                A[i][k] = a[i][k];
            }
        for (int k = 0; k < MM_K; k++)
            for (int j = 0; j < MM_N; j++) {
                b[k][j] = (trial == 1) ? -128 : (trial == 2) ? 127 : (int)(lcg() % 256) - 128;
                B[k][j] = b[k][j];
            }
        for (int i = 0; i < MM_M; i++)
            for (int j = 0; j < MM_N; j++) C[i][j] = 0;
        matmul(A, B, C);
        for (int i = 0; i < MM_M; i++)
            for (int j = 0; j < MM_N; j++) {
                int s = 0;
                for (int k = 0; k < MM_K; k++) s += a[i][k] * b[k][j];
                if (C[i][j].to_int() != s) {
                    if (errors < 5) std::printf("MISMATCH trial %d C[%d][%d]: got %d expected %d\n", trial, i, j, C[i][j].to_int(), s);
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
