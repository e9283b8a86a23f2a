#include "kernel.h"

typedef ap_int<40> ci_tot_t;                   // running total
typedef ap_fixed<32, 32, AP_TRN_ZERO> ci_q_t;  // scaled read-out, fraction dropped
typedef ap_uint<13> ci_cnt_t;

// State of the integrating process.
struct ci_state_t {
    ci_tot_t t;
    ci_cnt_t hits;
};

// State of the read-out process.
struct ci_read_t {
    ap_int<32> low;
    ap_int<32> high;
    ci_cnt_t neg;
    bool first;
};

// One integration step: adds the increment and applies the upper limit.
static ci_tot_t step(ci_state_t &st, ci_d_t d, unsigned hi) {
#pragma HLS INLINE
    ci_tot_t v = st.t + d;
    if (v > hi) {
        v = hi;
        st.hits++;
    }
    st.t = v;
    return v;
}

// Process 1: running totals.
static void integrate(hls::stream<ci_d_t> &in, hls::stream<ap_int<32> > &tot, int n, int start, unsigned hi,
                      ci_cnt_t &n_hit) {
    ci_state_t st;
    st.t = start;
    st.hits = 0;
in_loop:
    for (int i = 0; i < n; i++) {
#pragma HLS PIPELINE II=1
        tot.write(step(st, in.read(), hi));
    }
    n_hit = st.hits;
}

// The scaled read-out of one total.
static ap_int<32> readout(ap_int<32> t, ci_gain_t s) {
#pragma HLS INLINE
    ci_q_t q = t * s;
    return q;
}

// Lowest and highest total so far.
static void track_range(ci_read_t &r, ap_int<32> t) {
#pragma HLS INLINE
    if (r.first || t < r.low)
        r.low = t;
    if (r.first || t > r.high)
        r.high = t;
    r.first = false;
}

// Process 2: read-out and the range of the totals.
static void scale_out(hls::stream<ap_int<32> > &tot, hls::stream<ap_int<32> > &out, int n, ci_gain_t s,
                      ap_int<32> &lowest, ap_int<32> &highest, ci_cnt_t &n_neg) {
    ci_read_t r;
    r.low = 0;
    r.high = 0;
    r.neg = 0;
    r.first = true;
out_loop:
    for (int i = 0; i < n; i++) {
#pragma HLS PIPELINE II=1
        ap_int<32> t = tot.read();
        track_range(r, t);
        ap_int<32> q = readout(t, s);
        if (q < 0)
            r.neg++;
        out.write(q);
    }
    lowest = r.low;
    highest = r.high;
    n_neg = r.neg;
}

void clip_integ(hls::stream<ci_d_t> &in, hls::stream<ap_int<32> > &out, int n, int start, unsigned hi, ci_gain_t s,
                ap_uint<13> &n_hit, ap_int<32> &lowest, ap_int<32> &highest, ap_uint<13> &n_neg) {
#pragma HLS DATAFLOW
    hls::stream<ap_int<32> > tot;
#pragma HLS STREAM variable=tot depth=4
    integrate(in, tot, n, start, hi, n_hit);
    scale_out(tot, out, n, s, lowest, highest, n_neg);
}
