#ifndef RLE_ENCODER_H
#define RLE_ENCODER_H

#include "ap_int.h"

#define RLE_N 64
#define RLE_MAX_RUN 15

typedef ap_uint<8> sym_t;
typedef ap_uint<4> run_t;

// Run-length encodes in[0..RLE_N-1] into (vals[k], runs[k]) pairs, runs capped at
// RLE_MAX_RUN (a longer run is split). Returns the number of pairs.
int rle_encode(const sym_t in[RLE_N], sym_t vals[RLE_N], run_t runs[RLE_N]);

#endif
