#include "kernel.h"

void normalize16(const ap_uint<16> in[NM_LEN], ap_uint<16> mant[NM_LEN], ap_int<6> expo[NM_LEN]) {
    for (int i = 0; i < NM_LEN; i++) {
        ap_uint<16> m = in[i];
        ap_int<6> e = 15;
        if (m == 0) {
            e = -1;
        } else {
            while (m[15] == 0) {
#pragma HLS LOOP_TRIPCOUNT min=0 max=15
                m <<= 1;
                e--;
            }
        }
        mant[i] = m;
        expo[i] = e;
    }
}
