#ifndef MATMUL_H
#define MATMUL_H

#include "ap_int.h"

#define MM_M 6
#define MM_K 5
#define MM_N 7

typedef ap_int<8> din_t;
typedef ap_int<20> dout_t;

// C = A * B for a 6x5 by 5x7 matrix of signed bytes.
void matmul(const din_t A[MM_M][MM_K], const din_t B[MM_K][MM_N], dout_t C[MM_M][MM_N]);

#endif
