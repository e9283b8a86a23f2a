#include "kernel.h"

// Read-modify-write of hist would limit the pipeline to II > 1, so runs of equal bins are
// counted in a register and written back when the bin changes.
void hist_runs(const bin_t data[HR_N], ap_uint<16> hist[HR_BINS]) {
    for (int b = 0; b < HR_BINS; b++) {
#pragma HLS PIPELINE II=1
        hist[b] = 0;
    }
    bin_t prev = 0;
    ap_uint<16> run = 0;
    for (int i = 0; i < HR_N; i++) {
#pragma HLS PIPELINE II=1
#pragma HLS DEPENDENCE variable=hist inter false
        bin_t b = data[i];
        if (b == prev) {
            run++;
        } else {
            hist[prev] = run;
            run = hist[b] + 1;
        }
        prev = b;
    }
    hist[prev] = run;
}
