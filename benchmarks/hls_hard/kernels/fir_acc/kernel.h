#ifndef FIR_ACC_H
#define FIR_ACC_H

#include "ap_fixed.h"

#define FIR_TAPS 8
#define FIR_LEN 64

typedef ap_fixed<16, 2> sample_t;               // [-2, 2), 14 fractional bits
typedef ap_fixed<8, 1> coef_t;                  // [-1, 1), 7 fractional bits
typedef ap_fixed<16, 2, AP_RND, AP_SAT> out_t;  // rounded to nearest (ties up), saturated

// 8-tap FIR over one block: y[i] = sum_k COEF[k] * x[i - k], with x[j] = 0 for j < 0.
// The sum is exact (no intermediate rounding or overflow for any input); out[i] is that sum
// rounded to 14 fractional bits (ties towards +inf) and saturated to [-2, 2 - 2^-14].
void fir_acc(const sample_t in[FIR_LEN], out_t out[FIR_LEN]);

#endif
