#include "kernel.h"

const coef_t COEFS[FIR_TAPS] = {
    0.0125, -0.025, 0.05, -0.075, 0.1, 0.15, 0.2, 0.25,
    0.25, 0.2, 0.15, 0.1, -0.075, 0.05, -0.025, 0.0125};

void fir_filter(sample_t x, bool reset, out_t &y) {
#pragma HLS PIPELINE II=1
    static sample_t shift_reg[FIR_TAPS];
#pragma HLS ARRAY_PARTITION variable=shift_reg complete
    if (reset) {
        for (int i = 0; i < FIR_TAPS; i++) {
            shift_reg[i] = 0;
        }
    }
    acc_t acc = 0;
    for (int i = FIR_TAPS - 1; i > 0; i--) {
        shift_reg[i] = shift_reg[i - 1];
        acc += shift_reg[i] * COEFS[i];
    }
    shift_reg[0] = x;
    acc += x * COEFS[0];
    y = acc;
}
