#ifndef CRC16_ARC_H
#define CRC16_ARC_H

#include "ap_int.h"

#define CRC_MAX 64

// CRC-16/ARC of msg[0 .. len-1] (len in [0, CRC_MAX]): polynomial x^16 + x^15 + x^2 + 1
// (0x8005 in normal, MSB-first notation), initial value 0, input bytes reflected (bit 0 of each
// byte is processed first), output reflected, no final XOR. The CRC of the ASCII string
// "123456789" is 0xBB3D.
void crc16_arc(const ap_uint<8> msg[CRC_MAX], int len, ap_uint<16> *crc_out);

#endif
