#include "kernel.h"

static ap_uint<16> gcd16(ap_uint<16> x, ap_uint<16> y) {
    while (y != 0) {
#pragma HLS LOOP_TRIPCOUNT min=1 max=24
        ap_uint<16> t = x % y;
        x = y;
        y = t;
    }
    return x;
}

void gcd_lcm(const ap_uint<16> a[GL_LEN], const ap_uint<16> b[GL_LEN], ap_uint<16> g[GL_LEN],
             ap_uint<32> l[GL_LEN]) {
    for (int i = 0; i < GL_LEN; i++) {
        ap_uint<16> d = gcd16(a[i], b[i]);
        g[i] = d;
        if (d == 0) {
            l[i] = 0;
        } else {
            l[i] = (a[i] / d) * b[i];
        }
    }
}
