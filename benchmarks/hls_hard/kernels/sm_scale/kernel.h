#ifndef SM_SCALE_H
#define SM_SCALE_H

#include "ap_fixed.h"
#include "ap_int.h"

#define SM_N 256

typedef ap_ufixed<8, 0> sm_gain_t;  // [0, 255/256], 8 fractional bits

// Scaling of signed 8-bit samples to a sign-magnitude 8-bit code, per sample
// (x[i] is any value in -128 .. 127):
//   v    = x[i] * g                                     (exact)
//   r    = v rounded to the nearest integer, a value halfway between two integers going
//          away from zero (-2.5 -> -3, 2.5 -> 3)
//   y[i] = the sign-magnitude code of r limited to [-127, 127]:
//          bit 7 = 1 when r < 0, bits 6..0 = min(|r|, 127)
void sm_scale(const ap_int<8> x[SM_N], sm_gain_t g, ap_uint<8> y[SM_N]);

#endif
