#ifndef INSERTION_SORT_H
#define INSERTION_SORT_H

#include "ap_int.h"

#define INS_N 16

typedef ap_int<16> skey_t;

// Sorts a ascending in place (insertion sort); returns the number of element moves.
int insertion_sort(skey_t a[INS_N]);

#endif
