#ifndef SOBEL_H
#define SOBEL_H

#include "ap_int.h"

#define SB_H 10
#define SB_W 12

typedef ap_uint<8> pixel_t;

// Sobel edge magnitude |Gx| + |Gy| of the interior pixels, clamped to 255.
void sobel(const pixel_t img[SB_H][SB_W], pixel_t out[SB_H - 2][SB_W - 2]);

#endif
