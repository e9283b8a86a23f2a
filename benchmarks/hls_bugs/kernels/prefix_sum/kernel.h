#ifndef PREFIX_SUM_H
#define PREFIX_SUM_H

#include "ap_int.h"

#define PS_BLK 8
#define PS_BLOCKS 6
#define PS_LEN (PS_BLK * PS_BLOCKS)

typedef ap_int<12> in_t;
typedef ap_int<20> out_t;

// Inclusive prefix sum, computed block-wise: block sums first, then a scan inside each block
// starting from the running offset of the previous blocks.
void prefix_sum(const in_t in[PS_LEN], out_t out[PS_LEN]);

#endif
