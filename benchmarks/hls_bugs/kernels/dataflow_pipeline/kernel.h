#ifndef DATAFLOW_PIPELINE_H
#define DATAFLOW_PIPELINE_H

#include "ap_fixed.h"
#include "hls_stream.h"

#define DF_LEN 48
#define DF_GROUP 4

typedef ap_fixed<12, 4> in_t;                    // 8 fractional bits
typedef ap_fixed<16, 6, AP_RND, AP_SAT> gain_t;  // 10 fractional bits
typedef ap_fixed<22, 10> out_t;

// Three dataflow stages joined by hls::stream: read, scale by gain (rounded, saturated to
// ap_fixed<16, 6>), then sum every group of DF_GROUP scaled samples.
void dataflow_pipeline(const in_t in[DF_LEN], out_t out[DF_LEN / DF_GROUP], gain_t gain);

#endif
