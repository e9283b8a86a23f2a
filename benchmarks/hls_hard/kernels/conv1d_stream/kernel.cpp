#include "kernel.h"

typedef ap_fixed<28, 3> cv_acc_t;

static const ap_fixed<10, 1> COEF[CV_TAPS] = {0.5, -0.25, 0.125, 0.375, -0.0625};

static void shift_in(cv_in_t win[CV_TAPS], cv_in_t x) {
    for (int k = CV_TAPS - 1; k > 0; k--) {
        win[k] = win[k - 1];
    }
    win[0] = x;
}

static cv_acc_t dot(const cv_in_t win[CV_TAPS]) {
    cv_acc_t acc = 0;
    for (int k = 0; k < CV_TAPS; k++) {
        acc += COEF[k] * win[k];
    }
    return acc;
}

void conv1d_stream(hls::stream<cv_in_t> &in, hls::stream<cv_out_t> &out) {
    cv_in_t win[CV_TAPS];
#pragma HLS ARRAY_PARTITION variable=win complete
    for (int k = 0; k < CV_TAPS; k++) {
        win[k] = 0;
    }
    for (int n = 0; n < CV_N; n++) {
#pragma HLS PIPELINE II=1
        shift_in(win, in.read());
        out.write(dot(win));
    }
}
