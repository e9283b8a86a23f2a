#ifndef SOBEL_MIRROR_H
#define SOBEL_MIRROR_H

#include "ap_int.h"
#include "hls_stream.h"

#define SB_W 16      // pixels per row
#define SB_HMAX 16   // rows per frame, at most

typedef ap_uint<8> pix_t;

// Sobel edge magnitude of one 8-bit frame of h rows of SB_W pixels (2 <= h <= SB_HMAX),
// streamed in and out row by row, left to right.
//
// With p(r, c) the input pixel of row r, column c, and the frame extended by reflection
// about its first and last row and column (the edge row or column itself is not repeated):
//   p(-1, c) = p(1, c),  p(h, c) = p(h - 2, c),  p(r, -1) = p(r, 1),  p(r, SB_W) = p(r, SB_W - 2)
// each output pixel is
//   gx = p(r-1, c+1) + 2 p(r, c+1) + p(r+1, c+1) - p(r-1, c-1) - 2 p(r, c-1) - p(r+1, c-1)
//   gy = p(r+1, c-1) + 2 p(r+1, c) + p(r+1, c+1) - p(r-1, c-1) - 2 p(r-1, c) - p(r-1, c+1)
//   out(r, c) = min(|gx| + |gy|, 255)
// out receives exactly h * SB_W pixels, row by row.
void sobel_mirror(hls::stream<pix_t> &in, hls::stream<pix_t> &out, int h);

#endif
