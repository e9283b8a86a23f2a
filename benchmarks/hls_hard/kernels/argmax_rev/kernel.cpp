#include "kernel.h"

void argmax_rev(const logit_t z[AM_BATCH][AM_CLASSES], ap_uint<4> cls[AM_BATCH], logit_t score[AM_BATCH]) {
    for (int b = 0; b < AM_BATCH; b++) {
        ap_uint<4> best = AM_CLASSES - 1;
        logit_t top = z[b][AM_CLASSES - 1];
        for (int k = AM_CLASSES - 2; k >= 0; k--) {
#pragma HLS PIPELINE II=1
            if (z[b][k] >= top) {
                top = z[b][k];
                best = k;
            }
        }
        cls[b] = best;
        score[b] = top;
    }
}
