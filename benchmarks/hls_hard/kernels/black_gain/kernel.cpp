#include "kernel.h"

typedef ap_fixed<15, 15, AP_RND> lvl_t;

static lvl_t apply_gain(ap_int<13> d, bg_gain_t g) {
#pragma HLS INLINE
    return d * g;
}

static raw_t clip(lvl_t v, unsigned lo, unsigned hi) {
#pragma HLS INLINE
    if (v < lvl_t(lo)) return lo;
    if (v > lvl_t(hi)) return hi;
    return v;
}

void black_gain(const raw_t x[BG_N], raw_t y[BG_N], ap_uint<8> black, bg_gain_t g, unsigned lo, unsigned hi) {
    for (int i = 0; i < BG_N; i++) {
#pragma HLS PIPELINE II=1
        ap_int<13> d = x[i] - black;
        y[i] = clip(apply_gain(d, g), lo, hi);
    }
}
