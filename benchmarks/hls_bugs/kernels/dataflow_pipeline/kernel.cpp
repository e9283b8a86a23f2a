#include "kernel.h"

static void read_in(const in_t in[DF_LEN], hls::stream<in_t> &s_out) {
    for (int i = 0; i < DF_LEN; i++) {
#pragma HLS PIPELINE II=1
        s_out.write(in[i]);
    }
}

static void scale(hls::stream<in_t> &s_in, hls::stream<gain_t> &s_out, gain_t gain) {
    for (int i = 0; i < DF_LEN; i++) {
#pragma HLS PIPELINE II=1
        ap_fixed<16, 6, AP_RND, AP_SAT> v = s_in.read() * gain;
        s_out.write(v);
    }
}

static void group_sum(hls::stream<gain_t> &s_in, out_t out[DF_LEN / DF_GROUP]) {
    for (int g = 0; g < DF_LEN / DF_GROUP; g++) {
        out_t acc = 0;
        for (int k = 0; k < DF_GROUP; k++) {
#pragma HLS PIPELINE II=1
            acc += s_in.read();
        }
        out[g] = acc;
    }
}

void dataflow_pipeline(const in_t in[DF_LEN], out_t out[DF_LEN / DF_GROUP], gain_t gain) {
#pragma HLS DATAFLOW
    hls::stream<in_t> s1("s1");
    hls::stream<gain_t> s2("s2");
#pragma HLS STREAM variable=s1 depth=4
#pragma HLS STREAM variable=s2 depth=4
    read_in(in, s1);
    scale(s1, s2, gain);
    group_sum(s2, out);
}
