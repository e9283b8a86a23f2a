#ifndef BFP_ALIGN_H
#define BFP_ALIGN_H

#include "ap_int.h"

#define BA_N 64

typedef ap_int<16> mant_t;
typedef ap_int<5> exp_t;  // -16 .. 15

// Block-floating-point to fixed point: out[i] = floor(m[i] * 2^e[i]) for e[i] in [-16, 15]
// (floor rounds towards minus infinity), exact in 32 bits, then sum = the exact total of all
// out[i] (it fits 40 bits).
void bfp_align(const mant_t m[BA_N], const exp_t e[BA_N], ap_int<32> out[BA_N], ap_int<40> *sum);

#endif
