#include "kernel.h"

void bit_ops(const word_t in[BO_LEN], word_t rev[BO_LEN], word_t nib[BO_LEN],
             ap_uint<1> parity[BO_LEN], ap_uint<6> lzc[BO_LEN]) {
    for (int i = 0; i < BO_LEN; i++) {
#pragma HLS PIPELINE II=1
        word_t w = in[i];
        word_t r = 0;
        ap_uint<1> p = 0;
        for (ap_uint<6> b = 0; b < 32; b++) {
#pragma HLS UNROLL
            r[31 - b] = w[b];
            p = p ^ w[b];
        }
        word_t n = ((w << 4) & 0xF0F0F0F0) | ((w >> 4) & 0x0F0F0F0F);
        ap_uint<6> z = 0;
        for (int b = 31; b >= 0; b--) {
            if (w[b] == 1) {
                break;
            }
            z++;
        }
        rev[i] = r;
        nib[i] = n;
        parity[i] = p;
        lzc[i] = z;
    }
}
