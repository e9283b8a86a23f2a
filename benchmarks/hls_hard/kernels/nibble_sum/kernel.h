#ifndef NIBBLE_SUM_H
#define NIBBLE_SUM_H

#include "ap_int.h"

#define NS_WORDS 32

// Each 32-bit word packs eight signed (two's complement) 4-bit weights, weight k in bits
// [4k+3 : 4k]. out[w] = sum over k of weight_k * x[k] (x: eight signed 8-bit activations shared
// by all words), exact.
void nibble_sum(const ap_uint<32> words[NS_WORDS], const ap_int<8> x[8], ap_int<16> out[NS_WORDS]);

#endif
