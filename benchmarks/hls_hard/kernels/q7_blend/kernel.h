#ifndef Q7_BLEND_H
#define Q7_BLEND_H

#include "ap_fixed.h"
#include "ap_int.h"

#define QB_N 64

typedef ap_fixed<16, 1> qb_in_t;    // Q1.15 sample, [-1, 1 - 2^-15]
typedef ap_ufixed<8, 0> qb_t_t;     // blend factor, [0, 255/256]
typedef ap_fixed<8, 1> qb_out_t;    // Q1.7 result, [-1, 127/128]

// Blend of two Q1.15 signals, narrowed to Q1.7, per sample:
//   v    = x0[i] + (x1[i] - x0[i]) * t     (exact)
//   y[i] = min(floor(v * 128 + 1/2), 127) / 128
// i.e. v rounded to the nearest multiple of 2^-7, a value halfway between two going towards
// +infinity, and a result that would be 1.0 limited to 127/128.
void q7_blend(const qb_in_t x0[QB_N], const qb_in_t x1[QB_N], qb_t_t t, qb_out_t y[QB_N]);

#endif
