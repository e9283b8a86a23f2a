#ifndef STEREO_DCBLOCK_H
#define STEREO_DCBLOCK_H

#include "ap_fixed.h"

#define DC_BLOCK 32

typedef ap_fixed<16, 1> smp_t;                   // audio samples in [-1, 1)
typedef ap_fixed<24, 3> dcy_t;                   // filter state, truncating (AP_TRN), wrapping
typedef ap_fixed<16, 1, AP_RND, AP_SAT> dco_t;   // output: rounded, saturated

// Stereo DC blocker, one block of DC_BLOCK samples per channel per call. For each channel
// separately: y[n] = x[n] - x[n-1] + A * y[n-1] with A = 127/128, where the right-hand side is
// computed exactly and then stored as dcy_t (truncation towards minus infinity; no overflow
// occurs for these inputs); out[n] = y[n] converted to dco_t. x[-1] = y[-1] = 0 before the first
// call, and each channel's x[n-1], y[n-1] carry over from one call to the next (a stream cut
// into blocks). The two channels never share state.
void stereo_dcblock(const smp_t left[DC_BLOCK], const smp_t right[DC_BLOCK], dco_t out_l[DC_BLOCK],
                    dco_t out_r[DC_BLOCK]);

#endif
