#include "kernel.h"

void matrix_transpose(const elem_t in[TR_ROWS][TR_COLS], elem_t out[TR_COLS][TR_ROWS],
                      ap_uint<16> col_sum[TR_COLS]) {
    elem_t buf[TR_ROWS][TR_COLS];
#pragma HLS ARRAY_PARTITION variable=buf dim=1 complete
    for (int r = 0; r < TR_ROWS; r++) {
        for (int c = 0; c < TR_COLS; c++) {
#pragma HLS PIPELINE II=1
            buf[r][c] = in[r][c];
        }
    }
    for (int c = 0; c < TR_COLS; c++) {
        ap_uint<16> sum = 0;
        for (int r = 0; r < TR_ROWS; r++) {
#pragma HLS UNROLL
            out[c][r] = buf[r][c];
            sum += buf[r][c];
        }
        col_sum[c] = sum;
    }
}
