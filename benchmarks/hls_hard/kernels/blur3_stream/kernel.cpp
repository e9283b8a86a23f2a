#include "kernel.h"

typedef ap_uint<10> vsum_t;   // vertical [1 2 1] sum of one column
typedef ap_uint<12> hsum_t;   // full 3x3 sum

// Output pixel (r - 1, c - 1) is produced in the iteration that reads input pixel (r, c), so the
// output lags the input by one row and one column.
void blur3_stream(hls::stream<pix_t> &in, hls::stream<pix_t> &out) {
    pix_t lb0[BL_W], lb1[BL_W];      // lb0[c]: row r - 1, lb1[c]: row r - 2
    vsum_t w0 = 0, w1 = 0, w2 = 0;   // after the shift: sums of columns c - 2, c - 1, c
    for (int r = 0; r <= BL_H; r++) {
        for (int c = 0; c <= BL_W; c++) {
#pragma HLS PIPELINE II=1
            vsum_t col = w2;         // right border (c == BL_W): column BL_W - 1 again
            if (c < BL_W) {
                pix_t mid = lb0[c], top = lb1[c], bot = mid;
                if (r < BL_H) {
                    bot = in.read();
                    lb1[c] = mid;
                    lb0[c] = bot;
                }
                if (r == 1) top = mid;
                col = top + 2 * mid + bot;
            }
            w0 = w1;
            w1 = w2;
            w2 = col;
            if (r >= 1 && c >= 1) {
                vsum_t left = (c == 1) ? w1 : w0;
                hsum_t s = left + 2 * w1 + w2;
                out.write((s + 8) >> 4);
            }
        }
    }
}
