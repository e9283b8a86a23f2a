#ifndef BIQUAD_SAT_H
#define BIQUAD_SAT_H

#include "ap_fixed.h"

#define BQ_N 96

typedef ap_fixed<16, 1> bq_in_t;                   // input in [-1, 1)
typedef ap_fixed<18, 2> bq_coef_t;                 // coefficients in [-2, 2)
typedef ap_fixed<18, 4, AP_RND, AP_SAT> bq_out_t;  // output in [-8, 8): rounded, saturated

// Direct-form-I biquad over one block (state starts at zero):
//   v[n] = b[0] x[n] + b[1] x[n-1] + b[2] x[n-2] - a[0] y[n-1] - a[1] y[n-2]   (exact)
//   y[n] = v[n] rounded to nearest (ties up) and saturated to bq_out_t.
// The feedback uses the saturated outputs y[n-1], y[n-2] (an overloaded filter clips, it
// never wraps); x[j] = y[j] = 0 for j < 0.
void biquad_sat(const bq_in_t x[BQ_N], bq_out_t y[BQ_N], const bq_coef_t b[3], const bq_coef_t a[2]);

#endif
