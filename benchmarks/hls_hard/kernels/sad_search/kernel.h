#ifndef SAD_SEARCH_H
#define SAD_SEARCH_H

#include "ap_int.h"

#define SAD_PIX 64
#define SAD_CAND 4

typedef ap_uint<8> pix_t;

// Block matching: SAD(c) = sum over p of |cur[p] - ref[c][p]| for each of SAD_CAND candidate
// blocks; *best is the candidate with the smallest SAD (the lowest index among equal ones) and
// *best_sad its SAD.
void sad_search(const pix_t cur[SAD_PIX], const pix_t ref[SAD_CAND][SAD_PIX], ap_uint<2> *best, ap_uint<14> *best_sad);

#endif
