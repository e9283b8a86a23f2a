#include "kernel.h"

void maxpool_k3s2(const mp_t in[MP_N], mp_t out[MP_OUT]) {
    mp_t carry = in[0];
    for (int o = 0; o <= (MP_N - 3) / 2; o++) {
#pragma HLS PIPELINE II=1
        mp_t a = in[2 * o + 1];
        mp_t b = in[2 * o + 2];
        mp_t m = carry > a ? carry : a;
        out[o] = m > b ? m : b;
        carry = b;
    }
}
