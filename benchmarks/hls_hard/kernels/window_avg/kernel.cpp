#include "kernel.h"

void window_avg(hls::stream<wa_t> &in, hls::stream<wa_t> &out) {
    wa_t ring[WA_WIN];
    for (int k = 0; k < WA_WIN; k++) {
        ring[k] = 0;
    }
    ap_int<14> sum = 0;
    ap_uint<2> pos = 0;
    for (int n = 0; n < WA_N; n++) {
#pragma HLS PIPELINE II=1
        wa_t x = in.read();
        sum += x - ring[pos];
        ring[pos] = x;
        pos++;
        out.write(sum >> 2);
    }
}
