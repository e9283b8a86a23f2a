// Self-checking testbench for sobel_mirror: a direct model of the reflected frame over directed
// frames (two and three rows, column ramps, a bright column at each edge, four quadrants with
// full-scale gradients) and seeded random frames; checks every output pixel and the count.
#include <cstdio>

#include "kernel.h"

static unsigned lcg(unsigned &s) {
    s = s * 1664525u + 1013904223u;
    return s >> 8;
}

// hweval: the harness reseeds the random part of the stimulus on every run (hweval_seed); the
// directed cases stay fixed, so every seed still exposes the bugs they were written for.
static unsigned tb_seed = 5u;
void hweval_seed(unsigned s) { tb_seed = s; }

static int img[SB_HMAX][SB_W];

static int px(int r, int c, int h) {
    if (r < 0) r = -r;
    if (r >= h) r = 2 * h - 2 - r;
    if (c < 0) c = -c;
    if (c >= SB_W) c = 2 * SB_W - 2 - c;
    return img[r][c];
}

static int run_case(int tc, int h) {
    hls::stream<pix_t> in, out;
    for (int r = 0; r < h; r++)
        for (int c = 0; c < SB_W; c++) in.write(img[r][c]);
    sobel_mirror(in, out, h);
    int errors = 0;
    for (int r = 0; r < h; r++)
        for (int c = 0; c < SB_W; c++) {
            int gx = px(r - 1, c + 1, h) + 2 * px(r, c + 1, h) + px(r + 1, c + 1, h) - px(r - 1, c - 1, h) -
                     2 * px(r, c - 1, h) - px(r + 1, c - 1, h);
            int gy = px(r + 1, c - 1, h) + 2 * px(r + 1, c, h) + px(r + 1, c + 1, h) - px(r - 1, c - 1, h) -
                     2 * px(r - 1, c, h) - px(r - 1, c + 1, h);
            int want = (gx < 0 ? -gx : gx) + (gy < 0 ? -gy : gy);
            want = want > 255 ? 255 : want;
            if (out.empty()) {
                std::printf("MISMATCH case %d: output ends at row %d col %d\n", tc, r, c);
                return errors + 1;
            }
            int got = out.read().to_int();
            if (got != want) {
                if (errors < 4)
                    std::printf("MISMATCH case %d (h=%d) row %d col %d: got %d expected %d\n", tc, h, r, c, got, want);
                errors++;
            }
        }
    if (!out.empty()) {
        std::printf("MISMATCH case %d: extra output pixels\n", tc);
        errors++;
    }
    return errors;
}

int main() {
    unsigned seed = tb_seed;
    int errors = 0;
    // hweval: the directed cases (tc < 4) and the seeded random ones run in an order drawn
    // from the seed
    int order[20];
    for (int k = 0; k < 20; k++) order[k] = k;
    for (int k = 20 - 1; k > 0; k--) {
        int j = (int)(lcg(seed) % (unsigned)(k + 1));
        int tmp = order[k];
        order[k] = order[j];
        order[j] = tmp;
    }
    for (int oi = 0; oi < 20; oi++) {
        const int tc = order[oi];
        if (tc < 2) {  // 0, 1: gentle ramps in both directions (no saturation), two and five rows
            for (int r = 0; r < SB_HMAX; r++)
                for (int c = 0; c < SB_W; c++) img[r][c] = (c * c) / 3 + 5 * r + (r * c) % 7;
            errors += run_case(tc, tc ? 5 : 2);
            continue;
        }
        if (tc == 2) {  // a bright column at each edge and one bright row, three rows
            for (int r = 0; r < SB_HMAX; r++)
                for (int c = 0; c < SB_W; c++) img[r][c] = (c == 0 || c == SB_W - 1) ? 60 : (r == 1 ? 40 : 10);
            errors += run_case(2, 3);
            continue;
        }
        if (tc == 3) {  // four quadrants of 0 and 255 (gradients of 1020, saturated), full height
            for (int r = 0; r < SB_HMAX; r++)
                for (int c = 0; c < SB_W; c++) img[r][c] = ((r < 8) != (c < 8)) ? 255 : 0;
            errors += run_case(3, SB_HMAX);
            continue;
        }
        // seeded random frames: low-contrast (no saturation) and full-range ones
        const int h = 2 + (int)(lcg(seed) % (SB_HMAX - 1));
        const int span = tc % 2 ? 40 : 256;
        for (int r = 0; r < h; r++)
            for (int c = 0; c < SB_W; c++) img[r][c] = (int)(lcg(seed) % span);
        errors += run_case(tc, h);
    }
    if (errors) {
        std::printf("TB FAIL: %d mismatches\n", errors);
        return 1;
    }
    std::printf("TB PASS\n");
    return 0;
}
