#include "kernel.h"

static const ap_int<3> EMBOSS[3][3] = {{-2, -1, 0}, {-1, 1, 1}, {0, 1, 2}};

void emboss_lines(hls::stream<pix_t> &in, hls::stream<emb_t> &out) {
    pix_t lines[3][EL_W];
#pragma HLS ARRAY_PARTITION variable=lines complete dim=1
    pix_t win[3][3];
#pragma HLS ARRAY_PARTITION variable=win complete
    for (int r = 0; r < EL_H; r++) {
        for (int c = 0; c < EL_W; c++) {
#pragma HLS PIPELINE II=1
            pix_t p = in.read();
            lines[r % 3][c] = p;
            for (int i = 0; i < 3; i++) {
                win[i][0] = win[i][1];
                win[i][1] = win[i][2];
            }
            win[0][2] = lines[(r + 1) % 3][c];
            win[1][2] = lines[(r + 2) % 3][c];
            win[2][2] = p;
            if (r >= 2 && c >= 2) {
                emb_t acc = 0;
                for (int i = 0; i < 3; i++) {
                    for (int j = 0; j < 3; j++) {
                        acc += EMBOSS[i][j] * win[i][j];
                    }
                }
                out.write(acc);
            }
        }
    }
}
