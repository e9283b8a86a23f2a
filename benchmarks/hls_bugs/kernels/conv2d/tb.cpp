// Self-checking testbench for conv2d: direct 3x3 correlation as reference.
#include <cstdio>

#include "kernel.h"

static unsigned lcg_state = 8u;
static unsigned lcg() {
    lcg_state = lcg_state * 1103515245u + 12345u;
    return (lcg_state >> 9) & 0xFFFFu;
}

int main() {
    int errors = 0;
    for (int trial = 0; trial < 4; trial++) {
        int im[IMG_H][IMG_W], k[3][3];
        pix_t img[IMG_H][IMG_W];
        coef_t kern[3][3];
        out_t out[OUT_H][OUT_W];
        for (int r = 0; r < IMG_H; r++)
            for (int c = 0; c < IMG_W; c++) {
                im[r][c] = (int)(lcg() % 512) - 256;
                if (trial == 1) im[r][c] = r * 16 + c;
                img[r][c] = im[r][c];
            }
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 3; c++) {
                k[r][c] = (int)(lcg() % 16) - 8;
                if (trial == 2) k[r][c] = (r == 1 && c == 1) ? 7 : -8;
                kern[r][c] = k[r][c];
            }
        for (int r = 0; r < OUT_H; r++)
            for (int c = 0; c < OUT_W; c++) out[r][c] = 0;
        conv2d(img, kern, out);
        for (int r = 0; r < OUT_H; r++)
            for (int c = 0; c < OUT_W; c++) {
                int s = 0;
                for (int kr = 0; kr < 3; kr++)
                    for (int kc = 0; kc < 3; kc++) s += im[r + kr][c + kc] * k[kr][kc];
                if (out[r][c].to_int() != s) {
                    if (errors < 5) std::printf("MISMATCH trial %d out[%d][%d]: got %d expected %d\n", trial, r, c, out[r][c].to_int(), s);
                    errors++;
                }
            }
    }
    if (errors) {
        std::printf("TB FAIL: %d mismatches\n", errors);
        return 1;
    }
    std::printf("TB PASS\n");
    return 0;
}
