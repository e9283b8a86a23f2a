#ifndef SAT_ACCUMULATOR_H
#define SAT_ACCUMULATOR_H

#include "ap_int.h"

#define SA_LEN 40

typedef ap_int<12> sample_t;
typedef ap_int<16> acc_t;

// Running sum of the inputs, saturated to the acc_t range after every step; the sum is kept
// between calls unless clear is set. out[i] is the sum after in[i].
void sat_accumulator(const sample_t in[SA_LEN], acc_t out[SA_LEN], bool clear);

#endif
