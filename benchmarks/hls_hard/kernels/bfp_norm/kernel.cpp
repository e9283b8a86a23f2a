#include "kernel.h"

// Number of leading zero bits of v (16 when v == 0), by binary search.
static ap_uint<5> clz16(ap_uint<16> v) {
#pragma HLS INLINE
    ap_uint<5> n = 0;
    if (v.range(15, 8) == 0) { n += 8; v <<= 8; }
    if (v.range(15, 12) == 0) { n += 4; v <<= 4; }
    if (v.range(15, 14) == 0) { n += 2; v <<= 2; }
    if (v[15] == 0) { n += 1; v <<= 1; }
    if (v[15] == 0) n += 1;
    return n;
}

// Block exponent: how far the block can be shifted left.
static ap_uint<4> block_shift(const bs_t x[BN_N]) {
    ap_uint<16> acc = 0;
    for (int i = 0; i < BN_N; i++) {
#pragma HLS PIPELINE II=1
        ap_uint<16> m = x[i] ^ (x[i] >> 15);
        acc |= m;
    }
    return clz16(acc) - 1;
}

void bfp_norm(const bs_t x[BN_N], bs_t y[BN_N], ap_uint<4> &exp) {
    ap_uint<4> s = block_shift(x);
    exp = s;
    for (int i = 0; i < BN_N; i++) {
#pragma HLS PIPELINE II=1
        y[i] = x[i] << s;
    }
}
