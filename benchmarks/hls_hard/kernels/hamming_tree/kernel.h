#ifndef HAMMING_TREE_H
#define HAMMING_TREE_H

#include "ap_int.h"

#define HT_N 64

// Hamming distances of pairs of 32-bit words: dist[i] = number of bit positions in which a[i]
// and b[i] differ (0..32).
void hamming_tree(const ap_uint<32> a[HT_N], const ap_uint<32> b[HT_N], ap_uint<6> dist[HT_N]);

#endif
