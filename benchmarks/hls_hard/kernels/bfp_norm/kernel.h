#ifndef BFP_NORM_H
#define BFP_NORM_H

#include "ap_int.h"

#define BN_N 32   // samples per block

typedef ap_int<16> bs_t;

// Block floating-point normalisation. For the block x[0 .. BN_N - 1], s is the LARGEST value in
// 0 .. 15 such that every x[i] * 2^s still lies in [-32768, 32767] (it is 15 when every x[i] is
// 0 or -1). The kernel returns s in `exp` and y[i] = x[i] * 2^s for every i.
void bfp_norm(const bs_t x[BN_N], bs_t y[BN_N], ap_uint<4> &exp);

#endif
