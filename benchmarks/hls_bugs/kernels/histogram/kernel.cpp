#include "kernel.h"

void histogram(const pixel_t pixels[HIST_N], count_t hist[HIST_BINS]) {
    count_t bins[HIST_BINS];
    for (ap_uint<5> b = 0; b < 16; b++) {
#pragma HLS UNROLL
        bins[b] = 0;
    }
    ap_uint<4> prev_bin = 0;
    count_t prev_count = 0;
    for (int i = 0; i < HIST_N; i++) {
#pragma HLS PIPELINE II=1
#pragma HLS DEPENDENCE variable=bins inter false
        ap_uint<4> bin = pixels[i] >> 4;
        count_t count = (i > 0 && bin == prev_bin) ? prev_count : bins[bin];
        count = count + 1;
        bins[bin] = count;
        prev_bin = bin;
        prev_count = count;
    }
    for (ap_uint<5> b = 0; b < 16; b++) {
        hist[b] = bins[b];
    }
}
