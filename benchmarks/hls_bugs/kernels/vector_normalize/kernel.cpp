#include "kernel.h"

void vector_normalize(const val_t in[VN_LEN], norm_t out[VN_LEN], val_t &mean_nz) {
    int max_abs = 0;
    int sum_nz = 0;
    int count_nz = 0;
    for (int i = 0; i < VN_LEN; i++) {
#pragma HLS PIPELINE II=1
        int v = in[i];
        int a = (v < 0) ? -v : v;
        if (a > max_abs) {
            max_abs = a;
        }
        if (v != 0) {
            sum_nz += v;
            count_nz++;
        }
    }
    mean_nz = (count_nz != 0) ? sum_nz / count_nz : 0;
    for (int i = 0; i < VN_LEN; i++) {
#pragma HLS PIPELINE II=1
        if (max_abs == 0) {
            out[i] = 0;
        } else {
            out[i] = (in[i] * VN_SCALE) / max_abs;
        }
    }
}
