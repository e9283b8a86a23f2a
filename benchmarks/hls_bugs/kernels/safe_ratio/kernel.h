#ifndef SAFE_RATIO_H
#define SAFE_RATIO_H

#include "ap_int.h"

#define SR_LEN 40
#define SR_MAX 32767
#define SR_MIN (-32768)

// q[i] = (num[i] * 16) / den[i] (C division) or, for den[i] == 0, SR_MAX / SR_MIN by the
// sign of num[i]; n_zero counts the zero denominators; phase[i] = i % period, or 0 when
// period <= 0.
void safe_ratio(const ap_int<12> num[SR_LEN], const ap_int<12> den[SR_LEN], ap_int<16> q[SR_LEN],
                ap_uint<6> &n_zero, int period, ap_uint<6> phase[SR_LEN]);

#endif
