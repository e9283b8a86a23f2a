#include "kernel.h"

static ap_int<12> weight_times(ap_uint<32> word, int k, ap_int<8> a) {
#pragma HLS INLINE
    ap_int<4> w = word.range(4 * k + 3, 4 * k);
    return w * a;
}

void nibble_sum(const ap_uint<32> words[NS_WORDS], const ap_int<8> x[8], ap_int<16> out[NS_WORDS]) {
    for (int i = 0; i < NS_WORDS; i++) {
#pragma HLS PIPELINE II=1
        ap_uint<32> word = words[i];
        ap_int<16> acc = 0;
        for (int k = 0; k < 8; k++) {
#pragma HLS UNROLL
            acc += weight_times(word, k, x[k]);
        }
        out[i] = acc;
    }
}
