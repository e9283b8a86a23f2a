#ifndef WINDOW_AVG_H
#define WINDOW_AVG_H

#include "ap_int.h"
#include "hls_stream.h"

#define WA_N 100
#define WA_WIN 4

typedef ap_int<12> wa_t;

// Moving average over the last WA_WIN = 4 samples of a stream of WA_N samples, with zeros
// before the first sample: for each input n (in order) one output
//   out[n] = floor((x[n] + x[n-1] + x[n-2] + x[n-3]) / 4),  x[j] = 0 for j < 0,
// where floor rounds towards minus infinity.
void window_avg(hls::stream<wa_t> &in, hls::stream<wa_t> &out);

#endif
