#include "kernel.h"

static ap_int<32> align(mant_t m, exp_t e) {
#pragma HLS INLINE
    return ap_int<32>(m) << e;
}

void bfp_align(const mant_t m[BA_N], const exp_t e[BA_N], ap_int<32> out[BA_N], ap_int<40> *sum) {
    ap_int<40> acc = 0;
    for (int i = 0; i < BA_N; i++) {
#pragma HLS PIPELINE II=1
        ap_int<32> v = align(m[i], e[i]);
        out[i] = v;
        acc += v;
    }
    *sum = acc;
}
