#include "kernel.h"

void prefix_sum(const in_t in[PS_LEN], out_t out[PS_LEN]) {
    out_t block_sum[PS_BLOCKS];
    for (int b = 0; b < PS_BLOCKS; b++) {
        out_t s = 0;
        for (int k = 0; k < PS_BLK; k++) {
#pragma HLS PIPELINE II=1
            s += in[b * PS_BLK + k];
        }
        block_sum[b] = s;
    }
    out_t offset = 0;
    for (int b = 0; b < PS_BLOCKS; b++) {
        out_t running = offset;
        for (int k = 0; k < PS_BLK; k++) {
#pragma HLS PIPELINE II=1
            running += in[b * PS_BLK + k];
            out[b * PS_BLK + k] = running;
        }
        offset += block_sum[b];
    }
}
