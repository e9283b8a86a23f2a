#include "kernel.h"

// Per-row state: the buffered pixels and the statistics gathered while they stream in.
struct lc_row_t {
    pix_t px[LC_W];
    ap_uint<8> mean;
    ap_uint<8> lo;
    ap_uint<8> hi;
};

typedef ap_int<9> lc_det_t;          // x - m
typedef ap_ufixed<9, 3> lc_g_t;      // the gain actually applied
typedef ap_fixed<12, 12> lc_e_t;     // the rounded boosted detail
typedef ap_int<14> lc_lvl_t;         // m + e + b before the limit

// Reads one row into the buffer, with its sum, minimum and maximum.
static void load_row(hls::stream<pix_t> &in, lc_row_t &row) {
    ap_uint<13> sum = 0;
    ap_uint<8> lo = 255;
    ap_uint<8> hi = 0;
load:
    for (int c = 0; c < LC_W; c++) {
#pragma HLS PIPELINE II=1
        pix_t v = in.read();
        row.px[c] = v;
        sum += v;
        if (v < lo)
            lo = v;
        if (v > hi)
            hi = v;
    }
    row.mean = sum >> 5;
    row.lo = lo;
    row.hi = hi;
}

// The gain of a row: halved for a flat row.
static lc_g_t row_gain(const lc_row_t &row, lc_gain_t k) {
#pragma HLS INLINE
    lc_g_t g = k;
    if (row.hi - row.lo < LC_FLAT)
        g >>= 1;
    return g;
}

// Signed detail of one pixel against the row mean, with coring.
static lc_det_t detail(pix_t x, ap_uint<8> m, ap_uint<4> t) {
#pragma HLS INLINE
    lc_det_t d = x - m;
    if (d >= -t && d <= t)
        d = 0;
    return d;
}

// Mean plus boosted detail plus bias, before the limit.
static lc_lvl_t boost(ap_uint<8> m, lc_det_t d, lc_g_t g, lc_bias_t b) {
#pragma HLS INLINE
    lc_e_t e = d * g;
    lc_lvl_t v = m + e;
    return v + b;
}

// Limits a level to the pixel range and counts the limited ones.
static pix_t limit(lc_lvl_t v, ap_uint<6> &n) {
#pragma HLS INLINE
    if (v < 0) {
        n++;
        return 0;
    }
    if (v > 255) {
        n++;
        return 255;
    }
    return v;
}

// Enhances one buffered row and streams it out; returns its count of limited pixels.
static ap_uint<6> emit_row(const lc_row_t &row, lc_gain_t k, ap_uint<4> t, lc_bias_t b,
                           hls::stream<pix_t> &out) {
    lc_g_t g = row_gain(row, k);
    ap_uint<6> n = 0;
emit:
    for (int c = 0; c < LC_W; c++) {
#pragma HLS PIPELINE II=1
        lc_det_t d = detail(row.px[c], row.mean, t);
        out.write(limit(boost(row.mean, d, g, b), n));
    }
    return n;
}

void lce_row(hls::stream<pix_t> &in, hls::stream<pix_t> &out, lc_gain_t k, ap_uint<4> t, lc_bias_t b,
             ap_uint<6> nclip[LC_ROWS_MAX], int rows) {
rows_loop:
    for (int r = 0; r < rows; r++) {
        lc_row_t row;
#pragma HLS ARRAY_PARTITION variable=row.px complete
        load_row(in, row);
        nclip[r] = emit_row(row, k, t, b, out);
    }
}
