#include "kernel.h"

int rle_encode(const sym_t in[RLE_N], sym_t vals[RLE_N], run_t runs[RLE_N]) {
    int n_out = 0;
    sym_t cur = in[0];
    ap_uint<4> run = 1;
    for (int i = 1; i < RLE_N; i++) {
#pragma HLS PIPELINE II=1
        sym_t s = in[i];
        if (s == cur && run != RLE_MAX_RUN) {
            run++;
        } else {
            vals[n_out] = cur;
            runs[n_out] = run;
            n_out++;
            cur = s;
            run = 1;
        }
    }
    vals[n_out] = cur;
    runs[n_out] = run;
    return n_out + 1;
}
