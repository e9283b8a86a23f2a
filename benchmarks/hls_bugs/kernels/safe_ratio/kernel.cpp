#include "kernel.h"

void safe_ratio(const ap_int<12> num[SR_LEN], const ap_int<12> den[SR_LEN], ap_int<16> q[SR_LEN],
                ap_uint<6> &n_zero, int period, ap_uint<6> phase[SR_LEN]) {
    ap_uint<6> zeros = 0;
    for (int i = 0; i < SR_LEN; i++) {
#pragma HLS PIPELINE II=1
        int n = num[i];
        int d = den[i];
        if (d == 0) {
            q[i] = (n < 0) ? SR_MIN : SR_MAX;
            zeros++;
        } else {
            q[i] = (n * 16) / d;
        }
        phase[i] = (period > 0) ? i % period : 0;
    }
    n_zero = zeros;
}
