#include "kernel.h"

void conv2d(const pix_t img[IMG_H][IMG_W], const coef_t kern[3][3], out_t out[OUT_H][OUT_W]) {
    pix_t line_buf[2][IMG_W];
    pix_t window[3][3];
#pragma HLS ARRAY_PARTITION variable=line_buf dim=1 complete
#pragma HLS ARRAY_PARTITION variable=window complete
    for (int c = 0; c < IMG_W; c++) {
        line_buf[0][c] = 0;
        line_buf[1][c] = 0;
    }
    for (int r = 0; r < IMG_H; r++) {
        for (int c = 0; c < IMG_W; c++) {
#pragma HLS PIPELINE II=1
            pix_t px = img[r][c];
            for (int i = 0; i < 3; i++) {
                window[i][0] = window[i][1];
                window[i][1] = window[i][2];
            }
            window[0][2] = line_buf[0][c];
            window[1][2] = line_buf[1][c];
            window[2][2] = px;
            line_buf[0][c] = line_buf[1][c];
            line_buf[1][c] = px;
            if (r >= 2 && c >= 2) {
                ap_int<16> acc = 0;
                for (int kr = 0; kr < 3; kr++) {
                    for (int kc = 0; kc < 3; kc++) {
                        acc += window[kr][kc] * kern[kr][kc];
                    }
                }
                out[r - 2][c - 2] = acc;
            }
        }
    }
}
