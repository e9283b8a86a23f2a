#ifndef AVGPOOL_FLOOR_H
#define AVGPOOL_FLOOR_H

#include "ap_int.h"

#define AP_IN 8

typedef ap_int<12> act_t;

// 2x2 average pooling with stride 2 of a signed AP_IN x AP_IN activation map:
//   out[r][c] = floor((in[2r][2c] + in[2r][2c+1] + in[2r+1][2c] + in[2r+1][2c+1]) / 4)
// where floor rounds towards minus infinity (as the hardware's arithmetic shift does), e.g.
// a sum of -5 gives -2. The sum is exact.
void avgpool_floor(const act_t in[AP_IN][AP_IN], act_t out[AP_IN / 2][AP_IN / 2]);

#endif
