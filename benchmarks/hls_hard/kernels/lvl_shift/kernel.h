#ifndef LVL_SHIFT_H
#define LVL_SHIFT_H

#include "ap_fixed.h"
#include "ap_int.h"
#include "hls_stream.h"

#define LV_N 64   // samples per block

typedef ap_fixed<16, 1, AP_TRN, AP_SAT> lv_smp_t;  // Q1.15 sample, -1 .. 1 - 2^-15
typedef ap_ufixed<12, 4> lv_gain_t;                // g: 0 .. 16 - 2^-8, in steps of 2^-8
typedef ap_fixed<24, 8> lv_sum_t;
typedef ap_ufixed<16, 1> lv_peak_t;

// Gain and offset stage for one block of Q1.15 samples, with block statistics. Every value of
// x[i], g and o is allowed (x[i] and o are any Q1.15 values, -1 included).
//
// For each sample i:
//   t    = x[i] * g, rounded to a multiple of 2^-15: the nearer multiple; when x[i] * g lies
//          exactly halfway between two multiples, the one that is an even multiple of 2^-15
//   v    = t + o                                               (exact)
//   y[i] = v limited to [-1, 1 - 2^-15]
// Statistics of the block:
//   n_lim = the number of samples whose v was outside [-1, 1 - 2^-15]
//   sum   = y[0] + ... + y[LV_N - 1]                           (exact)
//   peak  = the largest |y[i]|                                 (exact: |-1| = 1)
//   n_neg = the number of samples with y[i] < 0
void lvl_shift(const lv_smp_t x[LV_N], lv_gain_t g, lv_smp_t o, lv_smp_t y[LV_N], ap_uint<7> &n_lim,
               lv_sum_t &sum, lv_peak_t &peak, ap_uint<7> &n_neg);

#endif
