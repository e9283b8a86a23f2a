#ifndef INTEGRAL_IMAGE_H
#define INTEGRAL_IMAGE_H

#include "ap_int.h"
#include "hls_stream.h"

#define II_N 8

typedef ap_uint<8> pix_t;
typedef ap_uint<14> sum_t;

// Integral image of an II_N x II_N block: out[r][c] = sum of in[i][j] over i <= r, j <= c.
// Built as a dataflow region: a row pass (prefix sums along each row, streamed in row-major
// order) feeding a column pass (prefix sums down each column).
void integral_image(const pix_t in[II_N][II_N], sum_t out[II_N][II_N]);

#endif
