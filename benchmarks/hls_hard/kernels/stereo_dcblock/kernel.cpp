#include "kernel.h"

static const ap_ufixed<8, 0> A = 0.9921875;

// One instance of the filter per template argument: each has its own static state.
template <int CH>
static dco_t dc_block(smp_t x) {
#pragma HLS INLINE off
    static smp_t x1 = 0;
    static dcy_t y1 = 0;
    dcy_t y = x - x1 + A * y1;
    x1 = x;
    y1 = y;
    return y;
}

void stereo_dcblock(const smp_t left[DC_BLOCK], const smp_t right[DC_BLOCK], dco_t out_l[DC_BLOCK],
                    dco_t out_r[DC_BLOCK]) {
    for (int n = 0; n < DC_BLOCK; n++) {
#pragma HLS PIPELINE II=1
        out_l[n] = dc_block<0>(left[n]);
        out_r[n] = dc_block<1>(right[n]);
    }
}
