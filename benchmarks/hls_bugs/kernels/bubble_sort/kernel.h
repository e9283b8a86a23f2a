#ifndef BUBBLE_SORT_H
#define BUBBLE_SORT_H

#include "ap_int.h"

#define BS_N 12

typedef ap_uint<12> data_t;

// Sorts a descending in place (bubble sort with early exit); returns the number of passes.
int bubble_sort(data_t a[BS_N]);

#endif
