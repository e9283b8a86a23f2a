#ifndef CLIP_INTEG_H
#define CLIP_INTEG_H

#include "ap_fixed.h"
#include "ap_int.h"
#include "hls_stream.h"

#define CI_MAX 4096   // increments per call, at most

typedef ap_int<16> ci_d_t;
typedef ap_ufixed<8, 0> ci_gain_t;   // s: 0 .. 255/256, in steps of 1/256

// Integrator with an upper limit and a scaled read-out, as a two-process dataflow design.
// Inputs: n increments d[0..n-1] on `in` (1 <= n <= CI_MAX, each any 16-bit value), the
// starting total `start` (-2^20 <= start <= 2^20), the limit `hi` (0 <= hi < 2^30) and the
// read-out gain s.
//
//   T[-1] = start
//   T[i]  = min(T[i-1] + d[i], hi)                          (exact integers)
//   q[i]  = T[i] * s with its fractional part dropped, keeping the sign (-2.75 -> -2, 2.75 -> 2)
//   out receives q[0], ..., q[n-1]
//   n_hit  = the number of i for which T[i-1] + d[i] > hi
//   lowest = min(T[0], ..., T[n-1]),  highest = max(T[0], ..., T[n-1])
//   n_neg  = the number of i for which q[i] < 0
void clip_integ(hls::stream<ci_d_t> &in, hls::stream<ap_int<32> > &out, int n, int start, unsigned hi, ci_gain_t s,
                ap_uint<13> &n_hit, ap_int<32> &lowest, ap_int<32> &highest, ap_uint<13> &n_neg);

#endif
