#include "kernel.h"

static void row_pass(const pix_t in[II_N][II_N], hls::stream<ap_uint<11> > &rows) {
    for (int r = 0; r < II_N; r++) {
        ap_uint<11> acc = 0;
        for (int c = 0; c < II_N; c++) {
#pragma HLS PIPELINE II=1
            acc += in[r][c];
            rows.write(acc);
        }
    }
}

static void col_pass(hls::stream<ap_uint<11> > &rows, sum_t out[II_N][II_N]) {
    ap_uint<11> buf[II_N][II_N];
    for (int r = 0; r < II_N; r++) {
        for (int c = 0; c < II_N; c++) {
#pragma HLS PIPELINE II=1
            buf[r][c] = rows.read();
        }
    }
    for (int c = 0; c < II_N; c++) {
        sum_t acc = 0;
        for (int r = 0; r < II_N; r++) {
#pragma HLS PIPELINE II=1
            acc += buf[r][c];
            out[r][c] = acc;
        }
    }
}

void integral_image(const pix_t in[II_N][II_N], sum_t out[II_N][II_N]) {
#pragma HLS DATAFLOW
    hls::stream<ap_uint<11> > rows("rows");
#pragma HLS STREAM variable=rows depth=64
    row_pass(in, rows);
    col_pass(rows, out);
}
