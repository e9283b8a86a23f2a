#ifndef REQUANT_H
#define REQUANT_H

#include "ap_int.h"

#define RQ_N 64
#define RQ_CH 8

typedef ap_int<32> acc_t;
typedef ap_int<16> mult_t;
typedef ap_uint<6> shift_t;  // 1..40
typedef ap_int<8> q8_t;

// Per-channel requantisation of int32 accumulators to int8 (channel of element i: i % RQ_CH):
//   p = acc[i] * mult[ch]                      (exact, 48 bits)
//   r = (p + 2^(shift[ch] - 1)) >> shift[ch]   (round half up; >> is an arithmetic shift)
//   out[i] = clamp(r + zp, -128, 127)
// shift[ch] is in [1, 40]; every step is exact up to the final clamp.
void requant(const acc_t acc[RQ_N], q8_t out[RQ_N], const mult_t mult[RQ_CH], const shift_t shift[RQ_CH], q8_t zp);

#endif
