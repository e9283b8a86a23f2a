#include "kernel.h"

void maxpool(const act_t in[MP_H][MP_W], act_t out[MP_H / 2][MP_W / 2]) {
    for (int r = 0; r < MP_H / 2; r++) {
        for (int c = 0; c < MP_W / 2; c++) {
#pragma HLS PIPELINE II=1
            ap_int<12> best = in[2 * r][2 * c];
            for (int dr = 0; dr < 2; dr++) {
                for (int dc = 0; dc < 2; dc++) {
                    ap_int<12> v = in[2 * r + dr][2 * c + dc];
                    if (v > best) {
                        best = v;
                    }
                }
            }
            out[r][c] = best;
        }
    }
}
