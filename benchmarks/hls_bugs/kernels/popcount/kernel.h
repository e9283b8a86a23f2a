#ifndef POPCOUNT_H
#define POPCOUNT_H

#include "ap_int.h"

#define PC_LEN 32

typedef ap_uint<32> word_t;

// counts[i] = number of set bits of in[i]; total = sum of counts; max_idx = the first index
// with the largest count.
void popcount(const word_t in[PC_LEN], ap_uint<6> counts[PC_LEN], ap_uint<11> &total, int &max_idx);

#endif
