#include "kernel.h"

static void compare_swap(skey_t &a, skey_t &b, bool up) {
#pragma HLS INLINE
    if ((a > b) == up) {
        skey_t t = a;
        a = b;
        b = t;
    }
}

void bitonic_sort(skey_t data[SORT_N]) {
#pragma HLS ARRAY_PARTITION variable=data complete
    for (int size = 2; size <= SORT_N; size = size * 2) {
        for (int stride = size / 2; stride > 0; stride = stride / 2) {
            for (int i = 0; i < SORT_N; i++) {
#pragma HLS UNROLL
                int j = i ^ stride;
                if (j > i) {
                    bool up = (i & size) == 0;
                    compare_swap(data[i], data[j], up);
                }
            }
        }
    }
}
