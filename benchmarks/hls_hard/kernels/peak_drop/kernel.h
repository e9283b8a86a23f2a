#ifndef PEAK_DROP_H
#define PEAK_DROP_H

#include "ap_int.h"
#include "hls_stream.h"

#define PD_WIN 8       // samples per energy window
#define PD_MAX 4096    // samples per call, at most

typedef ap_int<16> pd_smp_t;

// Level-drop detector over a stream of signed 16-bit samples (x is any value -32768 .. 32767),
// as a chain of small functions.
//
// With n samples x[0..n-1] (PD_WIN <= n <= PD_MAX) and 0 <= margin < 2^20:
//   a[i]    = |x[i]|                                               (exact: |-32768| = 32768)
//   s[i]    = a[i] + a[i-1] + ... + a[i-PD_WIN+1]                   (exact; i >= PD_WIN - 1)
//   for each full window i = PD_WIN - 1 .. n - 1, in order:
//     rise  = (i == PD_WIN - 1) or s[i] > s[j] for every full window j < i
//     peak  = max(s[PD_WIN - 1], ..., s[i])                          (after this window)
//     drop  = s[i] < peak - margin                                   (exact comparison of integers)
//     code[i] = rise * 2 + drop; out receives code[i]
//   n_drop  = the number of windows with drop = 1
//   longest = the length of the longest run of consecutive windows with drop = 1 (0 if none)
//
// out receives exactly n - PD_WIN + 1 codes.
void peak_drop(hls::stream<pd_smp_t> &in, hls::stream<ap_uint<2> > &out, int n, int margin,
               ap_uint<13> &n_drop, ap_uint<13> &longest);

#endif
