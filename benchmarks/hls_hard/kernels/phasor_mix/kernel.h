#ifndef PHASOR_MIX_H
#define PHASOR_MIX_H

#include "ap_fixed.h"

#define PM_N 128

typedef ap_fixed<16, 1> cx_t;                   // input samples, 15 fractional bits
typedef ap_fixed<18, 2, AP_RND, AP_SAT> cw_t;   // phasor, 16 fractional bits
typedef ap_fixed<24, 3, AP_RND, AP_SAT> cy_t;   // output, 21 fractional bits

// Mixer with a recursive phasor: w_0 = 1 + 0i, and after each sample w <- w * rot (complex),
// where each part (real, imaginary) of the product is computed exactly from the old w and then
// rounded to nearest (ties up) and saturated to cw_t. y[n] = x[n] * w_n (complex), each part
// computed exactly and then rounded and saturated to cy_t.
void phasor_mix(const cx_t xr[PM_N], const cx_t xi[PM_N], cy_t yr[PM_N], cy_t yi[PM_N], cw_t rot_r, cw_t rot_i);

#endif
