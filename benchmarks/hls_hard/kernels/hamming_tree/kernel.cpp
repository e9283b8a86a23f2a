#include "kernel.h"

// Population count as a balanced adder tree, each level just wide enough for its sums.
static ap_uint<6> popcount32(ap_uint<32> v) {
#pragma HLS INLINE
    ap_uint<2> l1[16];
    ap_uint<3> l2[8];
    ap_uint<4> l3[4];
    ap_uint<5> l4[2];
    for (int i = 0; i < 16; i++) {
        l1[i] = v[2 * i] + v[2 * i + 1];
    }
    for (int i = 0; i < 8; i++) {
        l2[i] = l1[2 * i] + l1[2 * i + 1];
    }
    for (int i = 0; i < 4; i++) {
        l3[i] = l2[2 * i] + l2[2 * i + 1];
    }
    for (int i = 0; i < 2; i++) {
        l4[i] = l3[2 * i] + l3[2 * i + 1];
    }
    return l4[0] + l4[1];
}

void hamming_tree(const ap_uint<32> a[HT_N], const ap_uint<32> b[HT_N], ap_uint<6> dist[HT_N]) {
    for (int i = 0; i < HT_N; i++) {
#pragma HLS PIPELINE II=1
        dist[i] = popcount32(a[i] ^ b[i]);
    }
}
