// Self-checking testbench for sobel.
#include <cstdio>
#include <cstdlib>

#include "kernel.h"

static unsigned lcg_state = 9u;
static unsigned lcg() {
    lcg_state = lcg_state * 1103515245u + 12345u;
    return (lcg_state >> 8) & 0xFFFFu;
}

int main() {
    int errors = 0;
    for (int trial = 0; trial < 4; trial++) {
        int im[SB_H][SB_W];
        pixel_t img[SB_H][SB_W], out[SB_H - 2][SB_W - 2];
        for (int r = 0; r < SB_H; r++)
            for (int c = 0; c < SB_W; c++) {
                im[r][c] = lcg() % 256;
                if (trial == 1) im[r][c] = (c < 6) ? 0 : 255;        // vertical edge
                if (trial == 2) im[r][c] = (r * 7 + c * 3) % 64;     // weak gradient
                if (trial == 3) im[r][c] = (r < 5) ? 200 : 180;      // horizontal edge
                img[r][c] = im[r][c];
            }
        for (int r = 0; r < SB_H - 2; r++)
            for (int c = 0; c < SB_W - 2; c++) out[r][c] = 0;
        sobel(img, out);
        for (int r = 1; r < SB_H - 1; r++)
            for (int c = 1; c < SB_W - 1; c++) {
                int gx = (im[r - 1][c + 1] + 2 * im[r][c + 1] + im[r + 1][c + 1]) -
                         (im[r - 1][c - 1] + 2 * im[r][c - 1] + im[r + 1][c - 1]);
                int gy = (im[r + 1][c - 1] + 2 * im[r + 1][c] + im[r + 1][c + 1]) -
                         (im[r - 1][c - 1] + 2 * im[r - 1][c] + im[r - 1][c + 1]);
                int mag = std::abs(gx) + std::abs(gy);
                if (mag > 255) mag = 255;
                if ((int)out[r - 1][c - 1].to_uint() != mag) {
                    if (errors < 5) std::printf("MISMATCH trial %d (%d,%d): got %u expected %d\n", trial, r, c, out[r - 1][c - 1].to_uint(), mag);
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
