#ifndef BOX3_SUM_H
#define BOX3_SUM_H

#include "ap_int.h"

#define BX_H 8
#define BX_W 16

typedef ap_uint<8> bx_pix_t;   // pixel, 0 .. 255
typedef ap_uint<12> bx_sum_t;  // box sum, 0 .. 2295

// 3x3 box sums over the valid part of the image (no border), for 0 <= r < BX_H - 2 and
// 0 <= c < BX_W - 2:
//   y[r][c] = sum of img[r + i][c + j] over 0 <= i < 3, 0 <= j < 3   (exact)
// Every pixel may take any value 0 .. 255.
void box3_sum(const bx_pix_t img[BX_H][BX_W], bx_sum_t y[BX_H - 2][BX_W - 2]);

#endif
