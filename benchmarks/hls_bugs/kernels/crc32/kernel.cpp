#include "kernel.h"

const ap_uint<32> CRC_POLY = 0xEDB88320;

ap_uint<32> crc32(const ap_uint<8> data[CRC_LEN], int len) {
    ap_uint<32> crc = 0xFFFFFFFF;
    for (int i = 0; i < len; i++) {
#pragma HLS LOOP_TRIPCOUNT min=1 max=64
#pragma HLS PIPELINE II=1
        crc ^= data[i];
        for (ap_uint<4> b = 0; b < 8; b++) {
#pragma HLS UNROLL
            ap_uint<1> lsb = crc & 1;
            crc = crc >> 1;
            if (lsb == 1) {
                crc ^= CRC_POLY;
            }
        }
    }
    return ~crc;
}
