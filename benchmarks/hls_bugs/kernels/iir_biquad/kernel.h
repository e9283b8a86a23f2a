#ifndef IIR_BIQUAD_H
#define IIR_BIQUAD_H

#include "ap_fixed.h"

#define IIR_LEN 96

typedef ap_fixed<18, 4> data_t;   // 14 fractional bits
typedef ap_fixed<18, 2> coef_t;   // 16 fractional bits
typedef ap_fixed<48, 12> acc_t;   // exact sum of five products

// Direct-form-I biquad: y[n] = b0 x[n] + b1 x[n-1] + b2 x[n-2] - a1 y[n-1] - a2 y[n-2].
// The state starts at zero on every call.
void iir_biquad(const data_t x[IIR_LEN], data_t y[IIR_LEN]);

#endif
