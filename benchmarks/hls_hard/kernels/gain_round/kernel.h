#ifndef GAIN_ROUND_H
#define GAIN_ROUND_H

#include "ap_fixed.h"

#define GR_N 256

typedef ap_fixed<16, 6> x_t;                        // 10 fractional bits
typedef ap_fixed<12, 2> g_t;                        // 10 fractional bits
typedef ap_fixed<12, 6> b_t;                        // 6 fractional bits
typedef ap_fixed<12, 6, AP_RND_CONV, AP_SAT> y_t;   // 6 fractional bits, ties to even, saturated

// y[i] = x[i] * g + b, computed exactly and then rounded ONCE to y_t (round to nearest, ties
// to even) and saturated to [-32, 32 - 2^-6].
void gain_round(const x_t x[GR_N], y_t y[GR_N], g_t g, b_t b);

#endif
