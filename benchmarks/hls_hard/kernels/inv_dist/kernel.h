#ifndef INV_DIST_H
#define INV_DIST_H

#include "ap_fixed.h"
#include "ap_int.h"

#define ID_N 64

typedef ap_fixed<12, 4> coord_t;  // 8 fractional bits

// Inverse-distance weights: d2 = dx[i]^2 + dy[i]^2 (exact), q = floor(d2 * 256) (d2 in units
// of 2^-8, truncated), and
//   w[i] = min(65535, floor(65536 / q)) for q != 0,   w[i] = 65535 for q == 0.
void inv_dist(const coord_t dx[ID_N], const coord_t dy[ID_N], ap_uint<16> w[ID_N]);

#endif
