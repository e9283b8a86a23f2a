#ifndef QUANTIZE_H
#define QUANTIZE_H

#include "ap_fixed.h"
#include "ap_int.h"

#define QZ_LEN 48

typedef ap_fixed<16, 6> act_t;  // 10 fractional bits

// out[i] = saturate_int8(round_half_up(in[i] * 2^shift)), shift in [0, 7].
void quantize(const act_t in[QZ_LEN], ap_int<8> out[QZ_LEN], ap_uint<3> shift);

#endif
