#include "kernel.h"

static void divide(u32_t num, u16_t den, u16_t &quo, u16_t &rem) {
    ap_uint<17> part = num.range(31, 16);
    u16_t bits = 0;
    for (int i = 15; i >= 0; i--) {
#pragma HLS PIPELINE II=1
        part = (part << 1) | num[i];
        if (part >= den) {
            part = part - den;
            bits[i] = 1;
        }
    }
    quo = bits;
    rem = part;
}

void restoring_div(const u32_t a[RD_N], const u16_t d[RD_N], u16_t q[RD_N], u16_t r[RD_N]) {
    for (int i = 0; i < RD_N; i++) {
        u16_t qi, ri;
        divide(a[i], d[i], qi, ri);
        q[i] = qi;
        r[i] = ri;
    }
}
