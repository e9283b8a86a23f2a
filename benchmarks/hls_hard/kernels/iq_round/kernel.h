#ifndef IQ_ROUND_H
#define IQ_ROUND_H

#include "ap_fixed.h"

#define IQ_N 64

typedef ap_fixed<16, 1> iq_t;      // [-1, 1), 15 fractional bits (default modes: AP_TRN, AP_WRAP)
typedef ap_ufixed<10, 2> gain_t;   // [0, 4), 8 fractional bits

struct iq_pair {
    iq_t i;
    iq_t q;
};

// Scales a block of complex samples by a real gain g and emits every scaled sample together
// with its complex conjugate:
//   out[n]  = { Q(x[n].i * g),  Q(x[n].q * g) }
//   conj[n] = { Q(x[n].i * g), -Q(x[n].q * g) }
// Q(v) rounds the exact product v to the nearest multiple of 2^-15, a value exactly halfway
// between two multiples going AWAY FROM ZERO (as C's round() does), and then limits the result
// to [-(1 - 2^-15), 1 - 2^-15]. The limit is symmetric on purpose: the code -1.0 never appears
// in out or conj, so that -Q(v) is always representable in iq_t and Q(-v) == -Q(v) for all v.
void iq_round(const iq_pair x[IQ_N], iq_pair out[IQ_N], iq_pair conj[IQ_N], gain_t g);

#endif
