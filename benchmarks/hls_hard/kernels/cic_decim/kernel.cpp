#include "kernel.h"

// Register type of the integrators and combs.
typedef ap_int<16> acc_t;

static void integrate(const cx_t x[CIC_LEN], acc_t dec[CIC_NOUT]) {
    acc_t i1 = 0, i2 = 0;
    for (int n = 0; n < CIC_LEN; n++) {
#pragma HLS PIPELINE II=1
        i1 += x[n];
        i2 += i1;
        if (n % CIC_R == CIC_R - 1) dec[n / CIC_R] = i2;
    }
}

static void comb(const acc_t dec[CIC_NOUT], cy_t y[CIC_NOUT]) {
    acc_t d1 = 0, d2 = 0;
    for (int k = 0; k < CIC_NOUT; k++) {
#pragma HLS PIPELINE II=1
        acc_t c1 = dec[k] - d1;
        d1 = dec[k];
        acc_t c2 = c1 - d2;
        d2 = c1;
        y[k] = c2;
    }
}

void cic_decim(const cx_t x[CIC_LEN], cy_t y[CIC_NOUT]) {
#pragma HLS DATAFLOW
    acc_t dec[CIC_NOUT];
    integrate(x, dec);
    comb(dec, y);
}
