#ifndef RESTORING_DIV_H
#define RESTORING_DIV_H

#include "ap_int.h"

#define RD_N 32

typedef ap_uint<16> u16_t;
typedef ap_uint<32> u32_t;

// Element-wise 32-by-16-bit unsigned division with a bit-serial restoring divider (one quotient
// bit per step, most significant first). Precondition (the caller guarantees it): the quotient
// fits 16 bits, i.e. (a[i] >> 16) < d[i] (so d[i] != 0). Then q[i] = a[i] / d[i] and
// r[i] = a[i] % d[i].
void restoring_div(const u32_t a[RD_N], const u16_t d[RD_N], u16_t q[RD_N], u16_t r[RD_N]);

#endif
