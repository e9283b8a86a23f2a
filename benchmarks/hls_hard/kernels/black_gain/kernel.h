#ifndef BLACK_GAIN_H
#define BLACK_GAIN_H

#include "ap_fixed.h"
#include "ap_int.h"

#define BG_N 64

typedef ap_uint<12> raw_t;          // raw sensor code, 0 .. 4095
typedef ap_ufixed<8, 2> bg_gain_t;  // [0, 4), 6 fractional bits

// Black-level subtraction, digital gain and clipping of raw sensor codes, per pixel:
//   d    = x[i] - black                     (an integer; negative when x[i] < black)
//   v    = d * g rounded to the nearest integer, a value halfway between two integers
//          going towards +infinity
//   y[i] = min(max(v, lo), hi)
// lo and hi come from a register map as unsigned int; the caller guarantees
// 0 <= lo <= hi <= 4095, so y[i] is always in 0 .. 4095.
void black_gain(const raw_t x[BG_N], raw_t y[BG_N], ap_uint<8> black, bg_gain_t g, unsigned lo, unsigned hi);

#endif
