#ifndef BITONIC_SORT_H
#define BITONIC_SORT_H

#include "ap_int.h"

#define SORT_N 8

typedef ap_int<16> skey_t;

// Sorts data ascending in place with a bitonic sorting network.
void bitonic_sort(skey_t data[SORT_N]);

#endif
