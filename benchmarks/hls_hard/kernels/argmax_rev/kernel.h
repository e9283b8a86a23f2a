#ifndef ARGMAX_REV_H
#define ARGMAX_REV_H

#include "ap_fixed.h"
#include "ap_int.h"

#define AM_BATCH 16
#define AM_CLASSES 10

typedef ap_fixed<12, 4> logit_t;

// Classifier head: for each row b, cls[b] is the index of the largest logit z[b][k]; among
// equal largest logits the LOWEST index wins. score[b] is that largest logit.
void argmax_rev(const logit_t z[AM_BATCH][AM_CLASSES], ap_uint<4> cls[AM_BATCH], logit_t score[AM_BATCH]);

#endif
