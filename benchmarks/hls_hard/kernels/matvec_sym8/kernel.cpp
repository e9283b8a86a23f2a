#include "kernel.h"

void matvec_sym8(const q_t w[MV_ROWS][MV_COLS], const q_t x[MV_COLS], ap_int<32> y[MV_ROWS]) {
    for (int r = 0; r < MV_ROWS; r++) {
        ap_int<23> acc = 0;
        for (int c = 0; c < MV_COLS; c++) {
#pragma HLS PIPELINE II=1
            ap_int<15> p = w[r][c] * x[c];
            acc += p;
        }
        y[r] = acc;
    }
}
