#ifndef HIST_RUNS_H
#define HIST_RUNS_H

#include "ap_int.h"

#define HR_N 300
#define HR_BINS 16

typedef ap_uint<4> bin_t;

// Histogram: hist[b] = number of i in [0, HR_N) with data[i] == b, for every b < HR_BINS
// (every entry of hist is written). Counts fit in 16 bits.
void hist_runs(const bin_t data[HR_N], ap_uint<16> hist[HR_BINS]);

#endif
