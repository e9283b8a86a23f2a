#ifndef FRAME_STRETCH_H
#define FRAME_STRETCH_H

#include "ap_int.h"

#define FS_N 96

typedef ap_uint<8> fpx_t;

// Contrast stretch of one frame per call (calls are independent frames): lo and hi are the
// smallest and largest pixel of this frame; out[i] = floor((in[i] - lo) * 255 / (hi - lo)),
// or 0 for every pixel when hi == lo (a flat frame).
void frame_stretch(const fpx_t in[FS_N], fpx_t out[FS_N]);

#endif
