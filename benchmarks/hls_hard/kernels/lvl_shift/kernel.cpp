#include "kernel.h"

typedef ap_fixed<20, 5, AP_RND_CONV> lv_scaled_t;  // t: |x * g| < 16, rounded to 2^-15
typedef ap_fixed<21, 6> lv_level_t;                // v = t + o
typedef ap_uint<7> lv_cnt_t;

// Running statistics of the block.
struct lv_stats_t {
    lv_cnt_t n_lim;
    lv_sum_t sum;
    lv_peak_t peak;
    lv_cnt_t n_neg;
};

static void stats_clear(lv_stats_t &s) {
#pragma HLS INLINE
    s.n_lim = 0;
    s.sum = 0;
    s.peak = 0;
    s.n_neg = 0;
}

// The gain: the product on the sample grid.
static lv_scaled_t scale(lv_smp_t x, lv_gain_t g) {
#pragma HLS INLINE
    lv_scaled_t t = x * g;
    return t;
}

// The offset and the limit; counts the limited samples.
static lv_smp_t offset(lv_scaled_t t, lv_smp_t o, lv_cnt_t &n_lim) {
#pragma HLS INLINE
    lv_level_t v = t + o;
    lv_smp_t y = v;
    if (y != v)
        n_lim++;
    return y;
}

// Magnitude of a sample; -1 has the magnitude 1, which lv_peak_t holds.
static lv_peak_t magnitude(lv_smp_t y) {
#pragma HLS INLINE
    lv_peak_t m;
    if (y < 0)
        m = -y;
    else
        m = y;
    return m;
}

static void stats_add(lv_stats_t &s, lv_smp_t y) {
#pragma HLS INLINE
    s.sum += y;
    lv_peak_t m = magnitude(y);
    if (m > s.peak)
        s.peak = m;
    if (y < 0)
        s.n_neg++;
}

// Stage 1: the block into a stream of scaled samples.
static void gain_stage(const lv_smp_t x[LV_N], lv_gain_t g, hls::stream<lv_scaled_t> &ts) {
gain:
    for (int i = 0; i < LV_N; i++) {
#pragma HLS PIPELINE II=1
        ts.write(scale(x[i], g));
    }
}

// Stage 2: offset and limit, output and statistics.
static void offset_stage(hls::stream<lv_scaled_t> &ts, lv_smp_t o, lv_smp_t y[LV_N], lv_stats_t &s) {
    stats_clear(s);
offs:
    for (int i = 0; i < LV_N; i++) {
#pragma HLS PIPELINE II=1
        lv_smp_t v = offset(ts.read(), o, s.n_lim);
        y[i] = v;
        stats_add(s, v);
    }
}

void lvl_shift(const lv_smp_t x[LV_N], lv_gain_t g, lv_smp_t o, lv_smp_t y[LV_N], ap_uint<7> &n_lim,
               lv_sum_t &sum, lv_peak_t &peak, ap_uint<7> &n_neg) {
#pragma HLS DATAFLOW
    hls::stream<lv_scaled_t> ts;
#pragma HLS STREAM variable=ts depth=2
    lv_stats_t s;
    gain_stage(x, g, ts);
    offset_stage(ts, o, y, s);
    n_lim = s.n_lim;
    sum = s.sum;
    peak = s.peak;
    n_neg = s.n_neg;
}
