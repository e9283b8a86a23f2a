#include "kernel.h"

void phasor_mix(const cx_t xr[PM_N], const cx_t xi[PM_N], cy_t yr[PM_N], cy_t yi[PM_N], cw_t rot_r, cw_t rot_i) {
    cw_t wr = 1;
    cw_t wi = 0;
    for (int n = 0; n < PM_N; n++) {
#pragma HLS PIPELINE II=1
        yr[n] = xr[n] * wr - xi[n] * wi;
        yi[n] = xr[n] * wi + xi[n] * wr;
        ap_fixed<18, 2, AP_RND, AP_SAT> wr_next = wr * rot_r - wi * rot_i;
        ap_fixed<18, 2, AP_RND, AP_SAT> wi_next = wr * rot_i + wi * rot_r;
        wr = wr_next;
        wi = wi_next;
    }
}
