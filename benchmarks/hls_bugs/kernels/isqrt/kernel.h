#ifndef ISQRT_H
#define ISQRT_H

#include "ap_int.h"

#define SQ_LEN 40

// out[i] = floor(sqrt(in[i])) by the digit-by-digit (shift and subtract) method.
void isqrt(const ap_uint<32> in[SQ_LEN], ap_uint<16> out[SQ_LEN]);

#endif
