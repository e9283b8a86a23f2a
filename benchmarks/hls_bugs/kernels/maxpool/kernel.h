#ifndef MAXPOOL_H
#define MAXPOOL_H

#include "ap_int.h"

#define MP_H 8
#define MP_W 10

typedef ap_int<12> act_t;

// 2x2 max pooling with stride 2 on signed activations.
void maxpool(const act_t in[MP_H][MP_W], act_t out[MP_H / 2][MP_W / 2]);

#endif
