#include "kernel.h"

void quantize(const act_t in[QZ_LEN], ap_int<8> out[QZ_LEN], ap_uint<3> shift) {
    for (int i = 0; i < QZ_LEN; i++) {
#pragma HLS PIPELINE II=1
        ap_int<16> raw = in[i].range(15, 0);
        ap_int<24> scaled = ap_int<24>(raw) << shift;
        ap_int<24> rounded = (scaled + (1 << 9)) >> 10;
        if (rounded > 127) {
            rounded = 127;
        } else if (rounded < -128) {
            rounded = -128;
        }
        out[i] = rounded;
    }
}
