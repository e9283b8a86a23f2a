#include "kernel.h"

void biquad_sat(const bq_in_t x[BQ_N], bq_out_t y[BQ_N], const bq_coef_t b[3], const bq_coef_t a[2]) {
    bq_in_t x1 = 0;
    bq_in_t x2 = 0;
    bq_out_t y1 = 0;
    bq_out_t y2 = 0;
    for (int n = 0; n < BQ_N; n++) {
#pragma HLS PIPELINE II=1
        ap_fixed<48, 12> acc = b[0] * x[n] + b[1] * x1 + b[2] * x2;
        acc -= a[0] * y1 + a[1] * y2;
        bq_out_t out = acc;
        x2 = x1;
        x1 = x[n];
        y2 = y1;
        y1 = out;
        y[n] = out;
    }
}
