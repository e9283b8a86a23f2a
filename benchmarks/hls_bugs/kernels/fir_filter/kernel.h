#ifndef FIR_FILTER_H
#define FIR_FILTER_H

#include "ap_fixed.h"
#include "ap_int.h"

#define FIR_TAPS 16

typedef ap_fixed<16, 2> sample_t;  // samples in [-2, 2), 14 fractional bits
typedef ap_fixed<16, 2> coef_t;
typedef ap_fixed<40, 8> acc_t;     // exact sum of 16 products
typedef ap_fixed<24, 6> out_t;     // truncated output, 18 fractional bits

// One output sample per call; the delay line lives between calls.
// reset clears the delay line before x is shifted in.
void fir_filter(sample_t x, bool reset, out_t &y);

#endif
