#ifndef CONV2D_H
#define CONV2D_H

#include "ap_int.h"

#define IMG_H 10
#define IMG_W 12
#define OUT_H (IMG_H - 2)
#define OUT_W (IMG_W - 2)

typedef ap_int<9> pix_t;
typedef ap_int<4> coef_t;
typedef ap_int<16> out_t;

// Valid 3x3 convolution (correlation) with a two-line buffer and a sliding window:
// out[r][c] = sum over kr, kc of img[r + kr][c + kc] * kern[kr][kc].
void conv2d(const pix_t img[IMG_H][IMG_W], const coef_t kern[3][3], out_t out[OUT_H][OUT_W]);

#endif
