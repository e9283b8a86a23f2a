#ifndef BLUR3_STREAM_H
#define BLUR3_STREAM_H

#include "ap_int.h"
#include "hls_stream.h"

#define BL_W 12   // image width  (columns), >= 2
#define BL_H 9    // image height (rows), >= 2

typedef ap_uint<8> pix_t;

// 3x3 binomial blur of a BL_H x BL_W image streamed in raster order (row 0 first, each row
// from column 0), with replicated borders:
//   p(r, c) = in(min(max(r, 0), BL_H - 1), min(max(c, 0), BL_W - 1))
//   s(r, c) = sum over dr, dc in {-1, 0, 1} of w(dr) * w(dc) * p(r + dr, c + dc),
//             w(-1) = 1, w(0) = 2, w(1) = 1
//   out(r, c) = floor((s(r, c) + 8) / 16)
// Exactly BL_H * BL_W pixels are read from `in` and BL_H * BL_W written to `out`, in raster
// order. Each call processes one whole image and keeps no state between calls.
void blur3_stream(hls::stream<pix_t> &in, hls::stream<pix_t> &out);

#endif
