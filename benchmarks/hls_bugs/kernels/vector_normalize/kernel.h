#ifndef VECTOR_NORMALIZE_H
#define VECTOR_NORMALIZE_H

#include "ap_int.h"

#define VN_LEN 32
#define VN_SCALE 127

typedef ap_int<11> val_t;
typedef ap_int<8> norm_t;

// out[i] = in[i] * 127 / max|in| (C division, truncating towards zero), or 0 for an all-zero
// vector; mean_nz = sum of the non-zero inputs / their count (0 when there are none).
void vector_normalize(const val_t in[VN_LEN], norm_t out[VN_LEN], val_t &mean_nz);

#endif
