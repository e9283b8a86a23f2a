// Self-checking testbench for lce_row: an integer model (k in 1/32 units, floor division) over
// directed rows (flat rows with odd k, pixels just below the mean, rows that clip at both ends,
// coring at every threshold) and seeded random rows; checks every pixel and every count.
#include <cstdio>

#include "kernel.h"

static unsigned lcg(unsigned &s) {
    s = s * 1664525u + 1013904223u;
    return s >> 8;
}

// hweval: the harness reseeds the random part of the stimulus on every run (hweval_seed); the
// directed cases stay fixed, so every seed still exposes the bugs they were written for.
static unsigned tb_seed = 11u;
void hweval_seed(unsigned s) { tb_seed = s; }

static long long floor_div(long long a, long long b) {
    long long q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}

// The expected output of one row (k_raw in 1/32 units); returns the row's clip count.
static int model_row(const int *x, int k_raw, int t, int b, int *y) {
    int sum = 0, lo = 255, hi = 0;
    for (int c = 0; c < LC_W; c++) {
        sum += x[c];
        lo = x[c] < lo ? x[c] : lo;
        hi = x[c] > hi ? x[c] : hi;
    }
    const int m = sum / LC_W;
    const int g64 = (hi - lo < LC_FLAT) ? k_raw : 2 * k_raw;  // g in 1/64 units
    int n = 0;
    for (int c = 0; c < LC_W; c++) {
        int d = x[c] - m;
        if (d >= -t && d <= t) d = 0;
        long long v = m + floor_div((long long)d * g64, 64) + b;
        if (v < 0 || v > 255) n++;
        y[c] = v < 0 ? 0 : v > 255 ? 255 : (int)v;
    }
    return n;
}

static int run_case(int tc, int rows, int img[][LC_W], int k_raw, int t, int b) {
    hls::stream<pix_t> in, out;
    ap_uint<6> nclip[LC_ROWS_MAX];
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < LC_W; c++) in.write(img[r][c]);
    lc_gain_t k;
    k.range(7, 0) = k_raw;
    lce_row(in, out, k, t, b, nclip, rows);
    int errors = 0;
    for (int r = 0; r < rows; r++) {
        int y[LC_W];
        const int n = model_row(img[r], k_raw, t, b, y);
        for (int c = 0; c < LC_W; c++) {
            if (out.empty()) {
                std::printf("MISMATCH case %d row %d: output ends at pixel %d\n", tc, r, c);
                return errors + 1;
            }
            const int got = out.read().to_int();
            if (got != y[c]) {
                if (errors < 4)
                    std::printf("MISMATCH case %d row %d col %d (k_raw=%d t=%d b=%d x=%d): got %d expected %d\n",
                                tc, r, c, k_raw, t, b, img[r][c], got, y[c]);
                errors++;
            }
        }
        if (nclip[r].to_int() != n) {
            std::printf("MISMATCH case %d row %d: nclip %d expected %d\n", tc, r, nclip[r].to_int(), n);
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
    static int img[LC_ROWS_MAX][LC_W];
    // Directed: a flat row (range 14) with odd k; a ramp whose lower half lies below the mean;
    // a full-contrast row that clips at both ends; a constant row; a row of two levels.
    // hweval: the directed cases (tc < 5) and the seeded random ones run in an order drawn
    // from the seed
    int order[25];
    for (int k = 0; k < 25; k++) order[k] = k;
    for (int k = 25 - 1; k > 0; k--) {
        int j = (int)(lcg(seed) % (unsigned)(k + 1));
        int tmp = order[k];
        order[k] = order[j];
        order[j] = tmp;
    }
    for (int oi = 0; oi < 25; oi++) {
        const int tc = order[oi];
        if (tc < 5) {
            for (int c = 0; c < LC_W; c++) {
                img[0][c] = 100 + (c * 7) % 15;
                img[1][c] = 60 + 3 * c;
                img[2][c] = (c % 2) ? 255 : 0;
                img[3][c] = 77;
                img[4][c] = c < 20 ? 90 : 130;
                img[5][c] = 128 + ((c % 4) - 2);
            }
            const int k_v[5] = {33, 37, 255, 1, 161}, s_v[5] = {0, 2, 15, 1, 0}, o_v[5] = {0, -3, -16, 15, 7};
            errors += run_case(tc, 6, img, k_v[tc], s_v[tc], o_v[tc]);
            continue;
        }
        // seeded random images: levels around a random base with a random spread
        const int rows = 1 + (int)(lcg(seed) % LC_ROWS_MAX);
        for (int r = 0; r < rows; r++) {
            const int spread = 1 + (int)(lcg(seed) % (r % 3 == 0 ? 15 : 256));
            const int base = (int)(lcg(seed) % (257 - spread));
            for (int c = 0; c < LC_W; c++) img[r][c] = base + (int)(lcg(seed) % spread);
        }
        errors += run_case(tc, rows, img, (int)(lcg(seed) % 256), (int)(lcg(seed) % 16),
                           (int)(lcg(seed) % 32) - 16);
    }
    if (errors) {
        std::printf("TB FAIL: %d mismatches\n", errors);
        return 1;
    }
    std::printf("TB PASS\n");
    return 0;
}
