#ifndef CIC_DECIM_H
#define CIC_DECIM_H

#include "ap_int.h"

#define CIC_R 8                      // decimation factor
#define CIC_NOUT 64                  // outputs per call
#define CIC_LEN (CIC_R * CIC_NOUT)   // inputs per call

typedef ap_int<10> cx_t;   // input samples, full range [-512, 511]
typedef ap_int<16> cy_t;   // output samples

// Two-stage CIC decimator (N = 2 stages, decimation R = 8, differential delay M = 1) in the
// Hogenauer structure: two integrators at the input rate, decimation, two combs at the output
// rate. Every call starts from zero state (x[m] = 0 for m < 0). The output is the exact value
//   s1[n] = x[n - 7] + ... + x[n]          (sum of the last 8 inputs)
//   s2[n] = s1[n - 7] + ... + s1[n]
//   y[k]  = s2[8 * k + 7]                  for k = 0 .. CIC_NOUT - 1
// without any rounding. y[k] always lies in [-64 * 512, 64 * 511], so cy_t holds every output.
void cic_decim(const cx_t x[CIC_LEN], cy_t y[CIC_NOUT]);

#endif
