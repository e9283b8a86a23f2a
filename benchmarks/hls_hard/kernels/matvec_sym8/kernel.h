#ifndef MATVEC_SYM8_H
#define MATVEC_SYM8_H

#include "ap_int.h"

#define MV_ROWS 4
#define MV_COLS 256

typedef ap_int<8> q_t;

// Matrix-vector product of symmetric int8 data: every element of w and x lies in [-127, 127]
// (the value -128 never occurs; the caller guarantees it). y[r] = sum over c of w[r][c] * x[c],
// exact.
void matvec_sym8(const q_t w[MV_ROWS][MV_COLS], const q_t x[MV_COLS], ap_int<32> y[MV_ROWS]);

#endif
