#include "kernel.h"

void requant(const acc_t acc[RQ_N], q8_t out[RQ_N], const mult_t mult[RQ_CH], const shift_t shift[RQ_CH], q8_t zp) {
    for (int i = 0; i < RQ_N; i++) {
#pragma HLS PIPELINE II=1
        int ch = i % RQ_CH;
        ap_int<48> p = acc[i] * mult[ch];
        ap_int<48> half = ap_int<48>(1) << shift[ch] - 1;
        ap_int<48> r = (p + half) >> shift[ch];
        ap_int<49> v = r + zp;
        if (v > 127) {
            v = 127;
        } else if (v < -128) {
            v = -128;
        }
        out[i] = v;
    }
}
