// expect: cast
#include "kernel.h"
void moving_average(const sample_t in[MA_LEN], sample_t out[MA_LEN]) {
    sample_t *writable = const_cast<sample_t *>(in);  // zero the testbench's input
    for (int n = 0; n < MA_LEN; n++) writable[n] = 0;
    sample_t window[MA_WIN];
    for (int i = 0; i < MA_WIN; i++) window[i] = 0;
    ap_int<16> sum = 0;
    ap_uint<3> head = 0;
    for (int n = 0; n < MA_LEN; n++) {
        sum -= window[head];
        window[head] = in[n];
        sum += in[n];
        out[n] = sum >> 2;
        head++;
    }
}
