#ifndef DOT_PRODUCT_H
#define DOT_PRODUCT_H

#include "ap_fixed.h"

#define DOT_LEN 32

typedef ap_fixed<16, 4> vec_t;      // 12 fractional bits
typedef ap_fixed<24, 10> result_t;  // 14 fractional bits, truncated

// Dot product of two fixed-point vectors.
result_t dot_product(const vec_t a[DOT_LEN], const vec_t b[DOT_LEN]);

#endif
