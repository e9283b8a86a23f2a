#ifndef CRC32_H
#define CRC32_H

#include "ap_int.h"

#define CRC_LEN 64

// CRC-32 (IEEE 802.3, reflected, init and final xor 0xFFFFFFFF) of data[0..len-1].
ap_uint<32> crc32(const ap_uint<8> data[CRC_LEN], int len);

#endif
