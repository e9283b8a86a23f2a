#ifndef MATRIX_TRANSPOSE_H
#define MATRIX_TRANSPOSE_H

#include "ap_int.h"

#define TR_ROWS 6
#define TR_COLS 9

typedef ap_uint<10> elem_t;

// out = transpose(in), staged through an on-chip buffer, with a row checksum per column.
void matrix_transpose(const elem_t in[TR_ROWS][TR_COLS], elem_t out[TR_COLS][TR_ROWS],
                      ap_uint<16> col_sum[TR_COLS]);

#endif
