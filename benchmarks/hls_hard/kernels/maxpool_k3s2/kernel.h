#ifndef MAXPOOL_K3S2_H
#define MAXPOOL_K3S2_H

#include "ap_fixed.h"

#define MP_N 33
#define MP_OUT ((MP_N - 3) / 2 + 1)  // 16

typedef ap_fixed<10, 3> mp_t;

// 1-D max pooling, window 3, stride 2, no padding, over MP_N samples:
//   out[o] = max(in[2o], in[2o + 1], in[2o + 2]) for o in [0, MP_OUT); every out[o] is written.
void maxpool_k3s2(const mp_t in[MP_N], mp_t out[MP_OUT]);

#endif
