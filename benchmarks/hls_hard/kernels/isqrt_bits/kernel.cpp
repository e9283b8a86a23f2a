#include "kernel.h"

// Digit-by-digit square root: two bits of the operand per step, from the top.
static void isqrt(ap_uint<32> v, ap_uint<16> &root, ap_uint<17> &rem) {
    ap_uint<33> op = v;
    ap_uint<33> res = 0;
    ap_uint<33> one = ap_uint<33>(1) << 30;
    for (int i = 0; i < 16; i++) {
#pragma HLS PIPELINE II=1
        if (op >= res + one) {
            op = op - (res + one);
            res = (res >> 1) + one;
        } else {
            res = res >> 1;
        }
        one = one >> 2;
    }
    root = res;
    rem = op;
}

void isqrt_bits(const ap_uint<32> x[IS_N], ap_uint<16> root[IS_N], ap_uint<17> rem[IS_N]) {
    for (int i = 0; i < IS_N; i++) {
        ap_uint<16> r;
        ap_uint<17> m;
        isqrt(x[i], r, m);
        root[i] = r;
        rem[i] = m;
    }
}
