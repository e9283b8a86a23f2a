#ifndef MOVING_AVERAGE_H
#define MOVING_AVERAGE_H

#include "ap_int.h"

#define MA_LEN 64
#define MA_WIN 8

typedef ap_int<12> sample_t;

// out[n] = floor(sum(in[n-7..n]) / 8), with samples before the start taken as zero.
void moving_average(const sample_t in[MA_LEN], sample_t out[MA_LEN]);

#endif
