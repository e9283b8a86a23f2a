#include "kernel.h"

typedef ap_uint<7> cnt_t;   // 0 .. SS_N

// Routes one block to the two sign streams and sends both counts in one word.
static void route(hls::stream<smp_t> &in, hls::stream<smp_t> &neg, hls::stream<smp_t> &pos,
                  hls::stream<ap_uint<14> > &counts, int n_blocks) {
    for (int b = 0; b < n_blocks; b++) {
        cnt_t nn = 0, np = 0;
        for (int i = 0; i < SS_N; i++) {
#pragma HLS PIPELINE II=1
            smp_t v = in.read();
            if (v[11]) {
                neg.write(v);
                nn++;
            } else {
                pos.write(v);
                np++;
            }
        }
        counts.write((nn, np));
    }
}

// Writes the header, then drains the negative and the non-negative stream of the block.
static void emit(hls::stream<smp_t> &neg, hls::stream<smp_t> &pos, hls::stream<ap_uint<14> > &counts,
                 hls::stream<ap_uint<16> > &out, int n_blocks) {
    for (int b = 0; b < n_blocks; b++) {
        ap_uint<14> c = counts.read();
        cnt_t nn = c.range(13, 7);
        cnt_t np = c.range(6, 0);
        out.write(c);
        for (int i = 0; i < nn; i++) {
#pragma HLS PIPELINE II=1
            out.write(ap_uint<12>(neg.read()));
        }
        for (int i = 0; i < np; i++) {
#pragma HLS PIPELINE II=1
            out.write(ap_uint<12>(pos.read()));
        }
    }
}

void sign_split(hls::stream<smp_t> &in, hls::stream<ap_uint<16> > &out, int n_blocks) {
#pragma HLS DATAFLOW
    hls::stream<smp_t> neg, pos;
#pragma HLS STREAM variable=neg depth=64
#pragma HLS STREAM variable=pos depth=64
    hls::stream<ap_uint<14> > counts;
    route(in, neg, pos, counts, n_blocks);
    emit(neg, pos, counts, out, n_blocks);
}
