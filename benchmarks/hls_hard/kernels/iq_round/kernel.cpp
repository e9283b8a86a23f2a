#include "kernel.h"

// Full-precision product of a sample and the gain.
typedef ap_fixed<26, 3> prod_t;
// Q() of the header.
typedef ap_fixed<16, 1, AP_RND_INF, AP_SAT_SYM> q15_t;

static q15_t scale(iq_t v, gain_t g) {
#pragma HLS INLINE
    prod_t p = v * g;
    return q15_t(p);
}

void iq_round(const iq_pair x[IQ_N], iq_pair out[IQ_N], iq_pair conj[IQ_N], gain_t g) {
    for (int n = 0; n < IQ_N; n++) {
#pragma HLS PIPELINE II=1
        q15_t yi = scale(x[n].i, g);
        q15_t yq = scale(x[n].q, g);
        out[n].i = yi;
        out[n].q = yq;
        conj[n].i = yi;
        conj[n].q = -yq;
    }
}
