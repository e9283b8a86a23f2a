#include "kernel.h"

const int SA_MAX = 32767;
const int SA_MIN = -32768;

void sat_accumulator(const sample_t in[SA_LEN], acc_t out[SA_LEN], bool clear) {
    static ap_int<17> acc = 0;
    if (clear) {
        acc = 0;
    }
    for (int i = 0; i < SA_LEN; i++) {
#pragma HLS PIPELINE II=1
        ap_int<18> next = acc + in[i];
        if (next > SA_MAX) {
            next = SA_MAX;
        } else if (next < SA_MIN) {
            next = SA_MIN;
        }
        acc = next;
        out[i] = acc;
    }
}
