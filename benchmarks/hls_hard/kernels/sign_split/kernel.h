#ifndef SIGN_SPLIT_H
#define SIGN_SPLIT_H

#include "ap_int.h"
#include "hls_stream.h"

#define SS_N 64   // samples per block

typedef ap_int<12> smp_t;

// Stable partition of each block of SS_N samples by sign, as a two-process dataflow design:
// for every block read from `in`, `out` receives first a header word, then the block's
// negative samples in their input order, then its non-negative samples in their input order.
// Header word: bits 13..7 hold the number of negative samples of the block, bits 6..0 the
// number of non-negative samples, bits 15..14 are 0. Sample word: bits 11..0 hold the sample's
// 12-bit two's-complement code, bits 15..12 are 0. `n_blocks` blocks are processed per call
// (1 <= n_blocks <= 16); `in` holds exactly n_blocks * SS_N samples.
void sign_split(hls::stream<smp_t> &in, hls::stream<ap_uint<16> > &out, int n_blocks);

#endif
