#include "kernel.h"

typedef ap_fixed<8, 8, AP_RND_INF> sm_lvl_t;
typedef ap_ufixed<7, 7, AP_TRN, AP_SAT> sm_mag_t;

static sm_lvl_t scale(ap_int<8> a, sm_gain_t g) {
#pragma HLS INLINE
    return a * g;
}

static ap_uint<8> pack(sm_lvl_t r) {
#pragma HLS INLINE
    sm_mag_t m;
    if (r < 0)
        m = -r;
    else
        m = r;
    return (ap_uint<1>(r < 0), ap_uint<7>(m));
}

void sm_scale(const ap_int<8> x[SM_N], sm_gain_t g, ap_uint<8> y[SM_N]) {
    for (int i = 0; i < SM_N; i++) {
#pragma HLS PIPELINE II=1
        y[i] = pack(scale(x[i], g));
    }
}
