#ifndef NORMALIZE16_H
#define NORMALIZE16_H

#include "ap_int.h"

#define NM_LEN 32

// Normalises each 16-bit value: mant[i] = in[i] shifted left until bit 15 is set, expo[i] =
// the index of the leading one of in[i]; a zero input gives mant 0 and expo -1.
void normalize16(const ap_uint<16> in[NM_LEN], ap_uint<16> mant[NM_LEN], ap_int<6> expo[NM_LEN]);

#endif
