#include "kernel.h"

void inv_dist(const coord_t dx[ID_N], const coord_t dy[ID_N], ap_uint<16> w[ID_N]) {
    for (int i = 0; i < ID_N; i++) {
#pragma HLS PIPELINE II=1
        ap_ufixed<24, 8> d2 = dx[i] * dx[i] + dy[i] * dy[i];
        ap_uint<16> q = d2.range(23, 8);
        if (q == 0) {
            w[i] = 65535;
        } else {
            ap_uint<17> r = ap_uint<17>(65536) / q;
            w[i] = r > 65535 ? ap_uint<17>(65535) : r;
        }
    }
}
