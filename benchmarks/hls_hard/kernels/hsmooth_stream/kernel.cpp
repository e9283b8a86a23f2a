#include "kernel.h"

void hsmooth_stream(hls::stream<hs_pix_t> &in, hls::stream<hs_pix_t> &out) {
    hs_pix_t w0 = 0, w1 = 0, w2 = 0;  // columns c - 2, c - 1, c
    for (int r = 0; r < HS_H; r++) {
        for (int c = 0; c <= HS_W; c++) {
#pragma HLS PIPELINE II=1
            if (c < HS_W) {
                w0 = w1;
                w1 = w2;
                w2 = in.read();
            } else {
                w0 = w1;
                w1 = w2;
            }
            if (c >= 1) {
                hs_pix_t left = (c == 1) ? w1 : w0;
                ap_uint<10> s = left + 2 * w1 + w2 + 2;
                out.write(s >> 2);
            }
        }
    }
}
