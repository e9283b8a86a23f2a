#include "kernel.h"

struct cprod_t {
    ap_int<16> re;
    ap_int<17> im;
};

static cprod_t cmul(cin_t a, cin_t b) {
#pragma HLS INLINE
    cprod_t p;
    p.re = a.re * b.re - a.im * b.im;
    p.im = a.re * b.im + a.im * b.re;
    return p;
}

void cdot16(const cin_t x[CD_N], const cin_t h[CD_N], cout_t &y) {
    ap_int<20> acc_re = 0;
    ap_int<21> acc_im = 0;
    for (int k = 0; k < CD_N; k++) {
#pragma HLS PIPELINE II=1
        cprod_t p = cmul(x[k], h[k]);
        acc_re += p.re;
        acc_im += p.im;
    }
    y.re = acc_re;
    y.im = acc_im;
}
