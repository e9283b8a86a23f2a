#include "kernel.h"

typedef ap_uint<10> bx_col_t;

static bx_col_t col3(const bx_pix_t img[BX_H][BX_W], int r, int c) {
#pragma HLS INLINE
    bx_col_t s = 0;
    for (int i = 0; i < 3; i++) s += img[r + i][c];
    return s;
}

void box3_sum(const bx_pix_t img[BX_H][BX_W], bx_sum_t y[BX_H - 2][BX_W - 2]) {
    for (int r = 0; r < BX_H - 2; r++) {
        bx_col_t c0 = col3(img, r, 0), c1 = col3(img, r, 1);
        for (int c = 2; c < BX_W; c++) {
#pragma HLS PIPELINE II=1
            bx_col_t c2 = col3(img, r, c);
            y[r][c - 2] = c0 + c1 + c2;
            c0 = c1;
            c1 = c2;
        }
    }
}
