#include "kernel.h"

// Horner registers.
typedef ap_fixed<20, 3> t2_t;   // 17 fractional bits
typedef ap_fixed<24, 4> t1_t;   // 20 fractional bits
typedef ap_fixed<23, 3> t0_t;   // 20 fractional bits

static const ap_fixed<4, 1> C3 = 0.75;
static const ap_fixed<8, 2> C2 = -1.5;
static const ap_fixed<8, 2> C1 = 1.875;
static const ap_fixed<8, 1> C0 = 0.5;

static t0_t horner(hx_t v) {
#pragma HLS INLINE
    t2_t t2 = C2 + v * C3;
    t1_t t1 = C1 + v * t2;
    t0_t t0 = C0 + v * t1;
    return t0;
}

void horner3(const hx_t x[HP_N], hy_t y[HP_N]) {
    for (int i = 0; i < HP_N; i++) {
#pragma HLS PIPELINE II=1
        y[i] = horner(x[i]);
    }
}
