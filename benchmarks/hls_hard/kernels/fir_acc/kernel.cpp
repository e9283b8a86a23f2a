#include "kernel.h"

static const coef_t COEF[FIR_TAPS] = {0.0625, -0.125, 0.25, 0.8125, 0.8125, 0.25, -0.125, 0.0625};

void fir_acc(const sample_t in[FIR_LEN], out_t out[FIR_LEN]) {
    sample_t taps[FIR_TAPS];
#pragma HLS ARRAY_PARTITION variable=taps complete
    for (int k = 0; k < FIR_TAPS; k++) {
#pragma HLS UNROLL
        taps[k] = 0;
    }
    for (int i = 0; i < FIR_LEN; i++) {
#pragma HLS PIPELINE II=1
        for (int k = FIR_TAPS - 1; k > 0; k--) {
#pragma HLS UNROLL
            taps[k] = taps[k - 1];
        }
        taps[0] = in[i];
        ap_fixed<24, 4> acc = 0;
        for (int k = 0; k < FIR_TAPS; k++) {
#pragma HLS UNROLL
            acc += taps[k] * COEF[k];
        }
        out[i] = acc;
    }
}
