#ifndef TRIG_CAPTURE_H
#define TRIG_CAPTURE_H

#include "ap_int.h"
#include "hls_stream.h"

#define TC_CAP 4       // samples captured per trigger
#define TC_MAX 2048    // samples per call, at most

typedef ap_int<12> tc_smp_t;

// Triggered capture (as in an oscilloscope) over a stream of n signed 12-bit samples
// x[0..n-1] (1 <= n <= TC_MAX), as a three-process dataflow design.
//
//   y[i]   = (x[i] + x[i-1]) / 2 rounded down (towards minus infinity), with x[-1] = 0
//   armed  : the detector is armed at i = 0; a trigger at sample i disarms it, and it is armed
//            again from sample i + holdoff + 1 on (TC_CAP - 1 <= holdoff <= 255)
//   trigger at i  <=>  armed at i and y[i] >= level            (level is any 12-bit value)
//   out receives, for each trigger at i in order, the raw samples x[i], x[i+1], ...,
//       x[i+TC_CAP-1] (fewer when the stream ends first), as 12-bit two's-complement codes
//   n_trig = the number of triggers
//   first  = the sample index i of the first trigger, or n when there is none
void trig_capture(hls::stream<tc_smp_t> &in, hls::stream<tc_smp_t> &out, int n, tc_smp_t level, int holdoff,
                  ap_uint<12> &n_trig, ap_uint<12> &first);

#endif
