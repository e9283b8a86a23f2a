#include "kernel.h"

typedef ap_fixed<24, 1> qb_acc_t;
static const ap_ufixed<8, 0> QB_HALF = 0.00390625;

static qb_acc_t lerp(qb_in_t a, qb_in_t b, qb_t_t t) {
#pragma HLS INLINE
    ap_fixed<17, 2> d = b - a;
    return a + d * t;
}

static qb_out_t narrow(qb_acc_t v) {
#pragma HLS INLINE
    ap_fixed<9, 2> q = v + QB_HALF;
    if (q > qb_out_t(0.9921875)) q = 0.9921875;
    return q;
}

void q7_blend(const qb_in_t x0[QB_N], const qb_in_t x1[QB_N], qb_t_t t, qb_out_t y[QB_N]) {
    for (int i = 0; i < QB_N; i++) {
#pragma HLS PIPELINE II=1
        y[i] = narrow(lerp(x0[i], x1[i], t));
    }
}
