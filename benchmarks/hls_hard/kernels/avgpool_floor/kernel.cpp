#include "kernel.h"

void avgpool_floor(const act_t in[AP_IN][AP_IN], act_t out[AP_IN / 2][AP_IN / 2]) {
    for (int r = 0; r < AP_IN / 2; r++) {
        for (int c = 0; c < AP_IN / 2; c++) {
#pragma HLS PIPELINE II=1
            ap_int<14> sum = in[2 * r][2 * c] + in[2 * r][2 * c + 1];
            sum += in[2 * r + 1][2 * c] + in[2 * r + 1][2 * c + 1];
            out[r][c] = sum >> 2;
        }
    }
}
