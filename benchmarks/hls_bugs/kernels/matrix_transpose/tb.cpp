// Self-checking testbench for matrix_transpose.
#include <cstdio>

#include "kernel.h"

static unsigned lcg_state = 31337u;
static unsigned lcg() {
    lcg_state = lcg_state * 1103515245u + 12345u;
    return (lcg_state >> 8) & 0xFFFFu;
}

int main() {
    int errors = 0;
    for (int trial = 0; trial < 3; trial++) {
        unsigned m[TR_ROWS][TR_COLS];
        elem_t in[TR_ROWS][TR_COLS], out[TR_COLS][TR_ROWS];
        ap_uint<16> sums[TR_COLS];
        for (int r = 0; r < TR_ROWS; r++)
            for (int c = 0; c < TR_COLS; c++) {
                m[r][c] = (trial == 1) ? 1023u : lcg() % 1024u;
                in[r][c] = m[r][c];
            }
        for (int c = 0; c < TR_COLS; c++) {
            sums[c] = 0;
            for (int r = 0; r < TR_ROWS; r++) out[c][r] = 0;
        }
        matrix_transpose(in, out, sums);
        for (int c = 0; c < TR_COLS; c++) {
            unsigned s = 0;
            for (int r = 0; r < TR_ROWS; r++) {
                s += m[r][c];
                if (out[c][r].to_uint() != m[r][c]) {
                    if (errors < 5) std::printf("MISMATCH trial %d out[%d][%d]: got %u expected %u\n", trial, c, r, out[c][r].to_uint(), m[r][c]);
                    errors++;
                }
            }
            if (sums[c].to_uint() != s) {
                if (errors < 5) std::printf("MISMATCH trial %d col_sum[%d]: got %u expected %u\n", trial, c, sums[c].to_uint(), s);
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
