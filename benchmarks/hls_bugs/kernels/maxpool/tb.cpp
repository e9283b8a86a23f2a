// Self-checking testbench for maxpool.
#include <cstdio>

#include "kernel.h"

static unsigned lcg_state = 1234u;
static unsigned lcg() {
    lcg_state = lcg_state * 1103515245u + 12345u;
    return (lcg_state >> 7) & 0xFFFFu;
}

int main() {
    int errors = 0;
    for (int trial = 0; trial < 5; trial++) {
        int a[MP_H][MP_W];
        act_t in[MP_H][MP_W], out[MP_H / 2][MP_W / 2];
        for (int r = 0; r < MP_H; r++)
            for (int c = 0; c < MP_W; c++) {
                a[r][c] = (int)(lcg() % 4096) - 2048;
                if (trial == 1) a[r][c] = -2048 + r * MP_W + c;  // all very negative
                if (trial == 2) a[r][c] = 2047 - (r * MP_W + c);
                in[r][c] = a[r][c];
            }
        for (int r = 0; r < MP_H / 2; r++)
            for (int c = 0; c < MP_W / 2; c++) out[r][c] = 0;
        maxpool(in, out);
        for (int r = 0; r < MP_H / 2; r++)
            for (int c = 0; c < MP_W / 2; c++) {
                int m = a[2 * r][2 * c];
                for (int dr = 0; dr < 2; dr++)
                    for (int dc = 0; dc < 2; dc++)
                        if (a[2 * r + dr][2 * c + dc] > m) m = a[2 * r + dr][2 * c + dc];
                if (out[r][c].to_int() != m) {
                    if (errors < 5) std::printf("MISMATCH trial %d out[%d][%d]: got %d expected %d\n", trial, r, c, out[r][c].to_int(), m);
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
