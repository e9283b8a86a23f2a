#include "kernel.h"

void matmul(const din_t A[MM_M][MM_K], const din_t B[MM_K][MM_N], dout_t C[MM_M][MM_N]) {
#pragma HLS ARRAY_PARTITION variable=A dim=2 complete
#pragma HLS ARRAY_PARTITION variable=B dim=1 complete
    for (int i = 0; i < MM_M; i++) {
        for (int j = 0; j < MM_N; j++) {
#pragma HLS PIPELINE II=1
            ap_int<20> sum = 0;
            for (int k = 0; k < MM_K; k++) {
                ap_int<16> prod = A[i][k] * B[k][j];
                sum += prod;
            }
            C[i][j] = sum;
        }
    }
}
