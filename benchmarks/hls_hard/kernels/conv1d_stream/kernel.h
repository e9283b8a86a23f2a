#ifndef CONV1D_STREAM_H
#define CONV1D_STREAM_H

#include "ap_fixed.h"
#include "hls_stream.h"

#define CV_N 64
#define CV_TAPS 5

typedef ap_fixed<16, 1> cv_in_t;                    // [-1, 1), 15 fractional bits
typedef ap_fixed<16, 2, AP_RND, AP_SAT> cv_out_t;   // 14 fractional bits, rounded (ties up)

// Causal 5-tap convolution of a stream of CV_N samples, zero history before the first one:
//   out[n] = sum over k < CV_TAPS of COEF[k] * x[n - k],  x[j] = 0 for j < 0,
// with COEF = {0.5, -0.25, 0.125, 0.375, -0.0625}. The sum is computed exactly and rounded
// once, to cv_out_t (it never needs saturation). One output per input, in order.
void conv1d_stream(hls::stream<cv_in_t> &in, hls::stream<cv_out_t> &out);

#endif
