#ifndef BIT_OPS_H
#define BIT_OPS_H

#include "ap_int.h"

#define BO_LEN 24

typedef ap_uint<32> word_t;

// Per word: bit reversal, nibble swap, parity (xor of all bits) and the number of leading
// zeros (32 for a zero word).
void bit_ops(const word_t in[BO_LEN], word_t rev[BO_LEN], word_t nib[BO_LEN],
             ap_uint<1> parity[BO_LEN], ap_uint<6> lzc[BO_LEN]);

#endif
