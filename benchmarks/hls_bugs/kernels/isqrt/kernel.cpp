#include "kernel.h"

static ap_uint<16> isqrt32(ap_uint<32> x) {
    ap_uint<32> rem = x;
    ap_uint<32> root = 0;
    ap_uint<32> bit = ap_uint<32>(1) << 30;
    while (bit > rem) {
#pragma HLS LOOP_TRIPCOUNT min=0 max=16
        bit >>= 2;
    }
    while (bit != 0) {
#pragma HLS LOOP_TRIPCOUNT min=1 max=16
        if (rem >= root + bit) {
            rem -= root + bit;
            root = (root >> 1) + bit;
        } else {
            root >>= 1;
        }
        bit >>= 2;
    }
    return root;
}

void isqrt(const ap_uint<32> in[SQ_LEN], ap_uint<16> out[SQ_LEN]) {
    for (int i = 0; i < SQ_LEN; i++) {
        out[i] = isqrt32(in[i]);
    }
}
