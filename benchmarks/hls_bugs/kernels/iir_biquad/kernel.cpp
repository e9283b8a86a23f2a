#include "kernel.h"

const coef_t B0 = 0.2;
const coef_t B1 = 0.4;
const coef_t B2 = 0.2;
const coef_t A1 = -0.6;
const coef_t A2 = 0.2;

void iir_biquad(const data_t x[IIR_LEN], data_t y[IIR_LEN]) {
    data_t x1 = 0;
    data_t x2 = 0;
    data_t y1 = 0;
    data_t y2 = 0;
    for (int n = 0; n < IIR_LEN; n++) {
#pragma HLS PIPELINE II=1
        acc_t acc = B0 * x[n];
        acc += B1 * x1;
        acc += B2 * x2;
        acc -= A1 * y1;
        acc -= A2 * y2;
        data_t out = acc;
        x2 = x1;
        x1 = x[n];
        y2 = y1;
        y1 = out;
        y[n] = out;
    }
}
