#ifndef HISTOGRAM_H
#define HISTOGRAM_H

#include "ap_int.h"

#define HIST_N 256
#define HIST_BINS 16

typedef ap_uint<8> pixel_t;
typedef ap_uint<9> count_t;

// 16-bin histogram of 8-bit pixels (bin = pixel / 16).
void histogram(const pixel_t pixels[HIST_N], count_t hist[HIST_BINS]);

#endif
