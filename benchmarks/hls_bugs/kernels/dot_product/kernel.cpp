#include "kernel.h"

result_t dot_product(const vec_t a[DOT_LEN], const vec_t b[DOT_LEN]) {
#pragma HLS ARRAY_PARTITION variable=a cyclic factor=4
#pragma HLS ARRAY_PARTITION variable=b cyclic factor=4
    ap_fixed<40, 14> acc = 0;
    for (int i = 0; i < DOT_LEN; i++) {
#pragma HLS UNROLL factor=4
        ap_fixed<32, 8> prod = a[i] * b[i];
        acc += prod;
    }
    return acc;
}
