#ifndef EMBOSS_LINES_H
#define EMBOSS_LINES_H

#include "ap_int.h"
#include "hls_stream.h"

#define EL_W 16
#define EL_H 10

typedef ap_uint<8> pix_t;
typedef ap_int<12> emb_t;

// 3x3 emboss filter on an EL_H x EL_W image streamed in raster order (row 0 first, left to
// right). For every window fully inside the image, in raster order of its top-left corner
// (r0, c0), r0 in [0, EL_H - 3], c0 in [0, EL_W - 3], one value is written to out:
//   sum over i, j in 0..2 of EMBOSS[i][j] * P[r0 + i][c0 + j]
// with EMBOSS = {{-2, -1, 0}, {-1, 1, 1}, {0, 1, 2}} (row i = 0 is the top row).
void emboss_lines(hls::stream<pix_t> &in, hls::stream<emb_t> &out);

#endif
