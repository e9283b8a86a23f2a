#ifndef RGB565_GRAY_H
#define RGB565_GRAY_H

#include "ap_int.h"
#include "hls_stream.h"

#define RG_N 128

typedef ap_uint<8> chan_t;

// Two dataflow stages joined by a stream of 16-bit RGB565 words.
// pack:  word = R[7:3] in bits 15..11, G[7:2] in bits 10..5, B[7:3] in bits 4..0.
// gray:  each field is widened back to 8 bits by bit replication (R8 = R5 << 3 | R5 >> 2,
//        G8 = G6 << 2 | G6 >> 4, B8 = B5 << 3 | B5 >> 2) and
//        y = (77 * R8 + 150 * G8 + 29 * B8) >> 8.
// y[i] is the gray value of pixel i (r[i], g[i], b[i]).
void rgb565_gray(const chan_t r[RG_N], const chan_t g[RG_N], const chan_t b[RG_N], chan_t y[RG_N]);

#endif
