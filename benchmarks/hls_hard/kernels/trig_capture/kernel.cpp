#include "kernel.h"

typedef ap_int<13> tc_pair_t;    // x[i] + x[i-1]
typedef ap_uint<8> tc_hold_t;    // holdoff countdown
typedef ap_uint<3> tc_left_t;    // samples still to capture: 0 .. TC_CAP

// State of the trigger detector.
struct tc_det_t {
    bool armed;
    tc_hold_t wait;
};

// Smoothed value of a sample and its predecessor, rounded down.
static tc_smp_t smooth(tc_smp_t x, tc_smp_t prev) {
#pragma HLS INLINE
    tc_pair_t s = x + prev;
    return s >> 1;
}

// Process 1: the raw samples go to the capture stage, the smoothed ones to the detector.
static void front(hls::stream<tc_smp_t> &in, hls::stream<tc_smp_t> &raw, hls::stream<tc_smp_t> &smo, int n) {
    tc_smp_t prev = 0;
fr:
    for (int i = 0; i < n; i++) {
#pragma HLS PIPELINE II=1
        tc_smp_t x = in.read();
        raw.write(x);
        smo.write(smooth(x, prev));
        prev = x;
    }
}

// Level test of one smoothed sample.
static bool at_level(hls::stream<tc_smp_t> &smo, tc_smp_t level) {
#pragma HLS INLINE
    return smo.read() >= level;
}

// One detector step: whether sample i triggers; updates the arming state.
static bool detect_step(tc_det_t &d, hls::stream<tc_smp_t> &smo, tc_smp_t level, int holdoff) {
#pragma HLS INLINE
    if (!d.armed) {
        if (d.wait == 0)
            d.armed = true;
        else
            d.wait--;
    }
    bool hit = at_level(smo, level) && d.armed;
    if (hit) {
        d.armed = false;
        d.wait = holdoff;
    }
    return hit;
}

// Process 2: one trigger flag per sample.
static void detect(hls::stream<tc_smp_t> &smo, hls::stream<bool> &flags, int n, tc_smp_t level, int holdoff) {
    tc_det_t d;
    d.armed = true;
    d.wait = 0;
de:
    for (int i = 0; i < n; i++) {
#pragma HLS PIPELINE II=1
        flags.write(detect_step(d, smo, level, holdoff));
    }
}

// Process 3: copies TC_CAP raw samples from each trigger on, counts the triggers and keeps the
// position of the first one.
static void capture(hls::stream<tc_smp_t> &raw, hls::stream<bool> &flags, hls::stream<tc_smp_t> &out, int n,
                    ap_uint<12> &n_trig, ap_uint<12> &first) {
    tc_left_t left = 0;
    ap_uint<12> count = 0;
    ap_uint<12> at = n;
ca:
    for (int i = 0; i < n; i++) {
#pragma HLS PIPELINE II=1
        tc_smp_t x = raw.read();
        if (flags.read()) {
            if (count == 0)
                at = i;
            left = TC_CAP;
            count++;
        }
        if (left != 0) {
            out.write(x);
            left--;
        }
    }
    n_trig = count;
    first = at;
}

void trig_capture(hls::stream<tc_smp_t> &in, hls::stream<tc_smp_t> &out, int n, tc_smp_t level, int holdoff,
                  ap_uint<12> &n_trig, ap_uint<12> &first) {
#pragma HLS DATAFLOW
    hls::stream<tc_smp_t> raw, smo;
    hls::stream<bool> flags;
#pragma HLS STREAM variable=raw depth=8
#pragma HLS STREAM variable=smo depth=2
#pragma HLS STREAM variable=flags depth=2
    front(in, raw, smo, n);
    detect(smo, flags, n, level, holdoff);
    capture(raw, flags, out, n, n_trig, first);
}
