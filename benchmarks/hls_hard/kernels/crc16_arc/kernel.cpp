#include "kernel.h"

// MSB-first shift register; the reflections are bit reversals (range(0, 7) reverses a byte).
void crc16_arc(const ap_uint<8> msg[CRC_MAX], int len, ap_uint<16> *crc_out) {
    ap_uint<16> crc = 0;
    for (int i = 0; i < CRC_MAX; i++) {
#pragma HLS PIPELINE II=1
        if (i >= len) {
            break;
        }
        ap_uint<8> byte = msg[i].range(0, 7);
        crc ^= ap_uint<16>(byte) << 8;
        for (int b = 0; b < 8; b++) {
#pragma HLS UNROLL
            if (crc[15]) {
                crc = (crc << 1) ^ 0x8005;
            } else {
                crc = crc << 1;
            }
        }
    }
    *crc_out = crc.range(0, 15);
}
