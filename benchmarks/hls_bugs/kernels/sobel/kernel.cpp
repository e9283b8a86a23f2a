#include "kernel.h"

void sobel(const pixel_t img[SB_H][SB_W], pixel_t out[SB_H - 2][SB_W - 2]) {
    for (int r = 1; r < SB_H - 1; r++) {
        for (int c = 1; c < SB_W - 1; c++) {
#pragma HLS PIPELINE II=1
            ap_int<12> gx = 0;
            ap_int<12> gy = 0;
            for (int k = -1; k <= 1; k++) {
                ap_int<3> w = (k == 0) ? 2 : 1;
                gx += w * (img[r + k][c + 1] - img[r + k][c - 1]);
                gy += w * (img[r + 1][c + k] - img[r - 1][c + k]);
            }
            ap_uint<11> ax = (gx < 0) ? ap_int<12>(-gx) : gx;
            ap_uint<11> ay = (gy < 0) ? ap_int<12>(-gy) : gy;
            ap_uint<12> mag = ax + ay;
            out[r - 1][c - 1] = (mag > 255) ? 255 : mag.to_uint();
        }
    }
}
