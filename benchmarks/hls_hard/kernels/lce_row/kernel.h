#ifndef LCE_ROW_H
#define LCE_ROW_H

#include "ap_fixed.h"
#include "ap_int.h"
#include "hls_stream.h"

#define LC_W 32          // pixels per row
#define LC_ROWS_MAX 16   // rows per call, at most
#define LC_FLAT 16       // contrast below which a row counts as flat

typedef ap_uint<8> pix_t;
typedef ap_ufixed<8, 3> lc_gain_t;  // k: 0 .. 255/32, in steps of 1/32
typedef ap_int<5> lc_bias_t;        // b: -16 .. 15

// Row-wise local contrast enhancement of an 8-bit image streamed row by row (`rows` rows of
// LC_W pixels, 1 <= rows <= LC_ROWS_MAX; every value of k, t and b is allowed).
//
// For each row, with x[0..LC_W-1] its pixels:
//   m     = the mean of the row rounded down (the largest integer <= sum(x) / LC_W)
//   flat  = (max(x) - min(x) < LC_FLAT)
//   g     = k / 2 when the row is flat, else k (exactly: no precision of k is lost)
//   for each pixel, in input order:
//     d   = x[c] - m, except that d = 0 when |x[c] - m| <= t (coring)
//     e   = d * g rounded down to an integer (towards minus infinity: -2.5 -> -3)
//     v   = m + e + b
//     out receives v limited to [0, 255]
//   nclip[r] = the number of pixels of row r whose v was outside [0, 255]
//
// All arithmetic is exact except for the one rounding of e and the final limit; out receives
// exactly rows * LC_W pixels. nclip[r] is written for r < rows only.
void lce_row(hls::stream<pix_t> &in, hls::stream<pix_t> &out, lc_gain_t k, ap_uint<4> t, lc_bias_t b,
             ap_uint<6> nclip[LC_ROWS_MAX], int rows);

#endif
