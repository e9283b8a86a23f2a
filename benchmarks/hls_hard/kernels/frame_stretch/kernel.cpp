#include "kernel.h"

static void frame_range(const fpx_t in[FS_N], fpx_t &lo, fpx_t &hi) {
    fpx_t mn = 255, mx = 0;
    for (int i = 0; i < FS_N; i++) {
#pragma HLS PIPELINE II=1
        if (in[i] < mn) {
            mn = in[i];
        }
        if (in[i] > mx) {
            mx = in[i];
        }
    }
    lo = mn;
    hi = mx;
}

void frame_stretch(const fpx_t in[FS_N], fpx_t out[FS_N]) {
    fpx_t lo, hi;
    frame_range(in, lo, hi);
    ap_uint<8> span = hi - lo;
    for (int i = 0; i < FS_N; i++) {
#pragma HLS PIPELINE II=1
        if (span == 0) {
            out[i] = 0;
        } else {
            out[i] = ((in[i] - lo) * 255) / span;
        }
    }
}
