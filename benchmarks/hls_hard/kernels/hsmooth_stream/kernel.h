#ifndef HSMOOTH_STREAM_H
#define HSMOOTH_STREAM_H

#include "ap_int.h"
#include "hls_stream.h"

#define HS_H 6
#define HS_W 20

typedef ap_uint<8> hs_pix_t;

// Horizontal [1 2 1] / 4 smoothing of an HS_H x HS_W image streamed row by row (row-major, one
// pixel per read). With x = the pixels of one row and the borders replicated (x[-1] = x[0],
// x[HS_W] = x[HS_W - 1]), for every row and 0 <= c < HS_W:
//   y[c] = floor((x[c - 1] + 2 * x[c] + x[c + 1] + 2) / 4)
// written to out in the same row-major order, exactly HS_H * HS_W values per call.
void hsmooth_stream(hls::stream<hs_pix_t> &in, hls::stream<hs_pix_t> &out);

#endif
