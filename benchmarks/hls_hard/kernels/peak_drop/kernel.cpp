#include "kernel.h"

typedef ap_uint<16> pd_mag_t;   // |x|
typedef ap_uint<19> pd_win_t;   // window sum
typedef ap_uint<13> pd_cnt_t;   // window counts

// Sliding sum of the last PD_WIN magnitudes: a ring of magnitudes and a running sum.
struct pd_ring_t {
    pd_mag_t a[PD_WIN];
    ap_uint<3> pos;
    pd_win_t sum;
};

// Running state of the detector.
struct pd_track_t {
    pd_win_t peak;
    pd_cnt_t n_drop;
    pd_cnt_t run;
    pd_cnt_t longest;
};

static pd_mag_t magnitude(pd_smp_t x) {
#pragma HLS INLINE
    return (x < 0) ? pd_mag_t(-x) : pd_mag_t(x);
}

static void ring_clear(pd_ring_t &r) {
clear:
    for (int k = 0; k < PD_WIN; k++) {
#pragma HLS UNROLL
        r.a[k] = 0;
    }
    r.pos = 0;
    r.sum = 0;
}

// Adds one magnitude, drops the one that leaves the window, returns the new window sum.
static pd_win_t ring_push(pd_ring_t &r, pd_mag_t m) {
#pragma HLS INLINE
    r.sum = r.sum - r.a[r.pos] + m;
    r.a[r.pos] = m;
    r.pos++;
    return r.sum;
}

// Updates the peak and the drop statistics with one full window; returns its code.
static ap_uint<2> track(pd_track_t &t, pd_win_t s, bool first, int margin) {
#pragma HLS INLINE
    bool rise = first || s > t.peak;
    if (rise)
        t.peak = s;
    int thr = t.peak - margin;
    bool drop = s < thr;
    if (drop) {
        t.n_drop++;
        t.run++;
        if (t.run > t.longest)
            t.longest = t.run;
    } else {
        t.run = 0;
    }
    return (ap_uint<1>(rise), ap_uint<1>(drop));
}

// The window stage: magnitudes in, window sums of the full windows out.
static void windows(hls::stream<pd_smp_t> &in, hls::stream<pd_win_t> &sums, int n) {
    pd_ring_t r;
    ring_clear(r);
win:
    for (int i = 0; i < n; i++) {
#pragma HLS PIPELINE II=1
        pd_win_t s = ring_push(r, magnitude(in.read()));
        if (i >= PD_WIN - 1)
            sums.write(s);
    }
}

// The decision stage: one code per full window, then the statistics.
static void decide(hls::stream<pd_win_t> &sums, hls::stream<ap_uint<2> > &out, int n, int margin,
                   pd_cnt_t &n_drop, pd_cnt_t &longest) {
    pd_track_t t;
    t.peak = 0;
    t.n_drop = 0;
    t.run = 0;
    t.longest = 0;
dec:
    for (int i = PD_WIN - 1; i < n; i++) {
#pragma HLS PIPELINE II=1
        out.write(track(t, sums.read(), i == PD_WIN - 1, margin));
    }
    n_drop = t.n_drop;
    longest = t.longest;
}

void peak_drop(hls::stream<pd_smp_t> &in, hls::stream<ap_uint<2> > &out, int n, int margin,
               ap_uint<13> &n_drop, ap_uint<13> &longest) {
#pragma HLS DATAFLOW
    hls::stream<pd_win_t> sums;
#pragma HLS STREAM variable=sums depth=4
    windows(in, sums, n);
    decide(sums, out, n, margin, n_drop, longest);
}
