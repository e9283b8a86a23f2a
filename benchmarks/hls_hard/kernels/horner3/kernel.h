#ifndef HORNER3_H
#define HORNER3_H

#include "ap_fixed.h"

#define HP_N 256

typedef ap_fixed<16, 1> hx_t;                // x in [-1, 1), 15 fractional bits
typedef ap_fixed<16, 3, AP_RND_CONV> hy_t;   // 13 fractional bits, round to nearest, ties to even

// The cubic p(x) = 0.5 + 1.875 x - 1.5 x^2 + 0.75 x^3, evaluated by Horner's rule with every
// step truncated (rounded towards -infinity) to a multiple of 2^-20:
//   t2 = F(-1.5  + x * 0.75)
//   t1 = F(1.875 + x * t2)
//   t0 = F(0.5   + x * t1)
//   y  = t0 rounded to the nearest multiple of 2^-13, ties to even
// where F(v) = floor(v * 2^20) / 2^20. Every x in [-1, 1) is valid input; the result is always
// in range of hy_t.
void horner3(const hx_t x[HP_N], hy_t y[HP_N]);

#endif
