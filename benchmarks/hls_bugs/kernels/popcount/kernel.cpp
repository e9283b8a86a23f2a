#include "kernel.h"

void popcount(const word_t in[PC_LEN], ap_uint<6> counts[PC_LEN], ap_uint<11> &total, int &max_idx) {
    ap_uint<11> sum = 0;
    ap_uint<6> best = 0;
    int best_idx = 0;
    for (int i = 0; i < PC_LEN; i++) {
        word_t v = in[i];
        ap_uint<6> c = 0;
        while (v != 0) {
#pragma HLS LOOP_TRIPCOUNT min=0 max=32
            v &= v - 1;
            c++;
        }
        counts[i] = c;
        sum += c;
        if (c > best) {
            best = c;
            best_idx = i;
        }
    }
    total = sum;
    max_idx = best_idx;
}
