#include "kernel.h"

static ap_uint<14> block_sad(const pix_t cur[SAD_PIX], const pix_t blk[SAD_PIX]) {
    ap_uint<14> sad = 0;
    for (int p = 0; p < SAD_PIX; p++) {
#pragma HLS PIPELINE II=1
        ap_int<9> d = cur[p] - blk[p];
        ap_uint<8> mag = d < 0 ? ap_uint<8>(-d) : ap_uint<8>(d);
        sad += mag;
    }
    return sad;
}

void sad_search(const pix_t cur[SAD_PIX], const pix_t ref[SAD_CAND][SAD_PIX], ap_uint<2> *best, ap_uint<14> *best_sad) {
    ap_uint<2> arg = 0;
    ap_uint<14> low = block_sad(cur, ref[0]);
    for (int c = 1; c < SAD_CAND; c++) {
        ap_uint<14> s = block_sad(cur, ref[c]);
        if (s < low) {
            low = s;
            arg = c;
        }
    }
    *best = arg;
    *best_sad = low;
}
