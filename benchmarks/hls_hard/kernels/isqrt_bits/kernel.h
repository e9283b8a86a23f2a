#ifndef ISQRT_BITS_H
#define ISQRT_BITS_H

#include "ap_int.h"

#define IS_N 64

// Integer square root of every 32-bit unsigned input: root[i] = floor(sqrt(x[i])), and
// rem[i] = x[i] - root[i]^2, for every x[i] in [0, 2^32 - 1].
void isqrt_bits(const ap_uint<32> x[IS_N], ap_uint<16> root[IS_N], ap_uint<17> rem[IS_N]);

#endif
