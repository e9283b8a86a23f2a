#ifndef GCD_LCM_H
#define GCD_LCM_H

#include "ap_int.h"

#define GL_LEN 32

// g[i] = gcd(a[i], b[i]) (Euclid; gcd(0, 0) = 0) and l[i] = lcm(a[i], b[i]) (0 when g is 0).
void gcd_lcm(const ap_uint<16> a[GL_LEN], const ap_uint<16> b[GL_LEN], ap_uint<16> g[GL_LEN],
             ap_uint<32> l[GL_LEN]);

#endif
