#include "kernel.h"

static void pack(const chan_t r[RG_N], const chan_t g[RG_N], const chan_t b[RG_N], hls::stream<ap_uint<16> > &words) {
    for (int i = 0; i < RG_N; i++) {
#pragma HLS PIPELINE II=1
        ap_uint<16> w = (r[i].range(7, 3), g[i].range(7, 2), b[i].range(7, 3));
        words.write(w);
    }
}

static void gray(hls::stream<ap_uint<16> > &words, chan_t y[RG_N]) {
    for (int i = 0; i < RG_N; i++) {
#pragma HLS PIPELINE II=1
        ap_uint<16> w = words.read();
        ap_uint<5> r5 = w.range(15, 11);
        ap_uint<6> g6 = w.range(10, 5);
        ap_uint<5> b5 = w.range(4, 0);
        ap_uint<8> r8 = (r5, r5.range(4, 2));
        ap_uint<8> g8 = (g6, g6.range(5, 4));
        ap_uint<8> b8 = (b5, b5.range(4, 2));
        ap_uint<16> acc = 77 * r8 + 150 * g8 + 29 * b8;
        y[i] = acc >> 8;
    }
}

void rgb565_gray(const chan_t r[RG_N], const chan_t g[RG_N], const chan_t b[RG_N], chan_t y[RG_N]) {
#pragma HLS DATAFLOW
    hls::stream<ap_uint<16> > words("words");
    pack(r, g, b, words);
    gray(words, y);
}
