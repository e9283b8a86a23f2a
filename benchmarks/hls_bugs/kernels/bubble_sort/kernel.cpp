#include "kernel.h"

int bubble_sort(data_t a[BS_N]) {
    int passes = 0;
    for (int pass = 0; pass < BS_N - 1; pass++) {
        bool swapped = false;
        passes++;
        for (int i = 0; i < BS_N - 1 - pass; i++) {
#pragma HLS PIPELINE II=1
            if (a[i] < a[i + 1]) {
                ap_uint<12> t = a[i];
                a[i] = a[i + 1];
                a[i + 1] = t;
                swapped = true;
            }
        }
        if (!swapped) {
            break;
        }
    }
    return passes;
}
