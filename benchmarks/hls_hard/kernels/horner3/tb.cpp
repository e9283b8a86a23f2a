// Self-checking testbench for horner3: integer model of the truncated Horner steps (2^-20
// units) and the final convergent rounding, for every x code in [-1, 1).
#include <cstdio>

#include "kernel.h"

// hweval: the harness reseeds the random part of the stimulus on every run (hweval_seed); the
// directed cases stay fixed, so every seed still exposes the bugs they were written for.
static unsigned tb_seed = 0u;
void hweval_seed(unsigned s) { tb_seed = s; }
static unsigned lcg(unsigned &s) {
    s = s * 1664525u + 1013904223u;
    return s >> 8;
}

static long long floor_shift(long long v, int s) {  // floor(v / 2^s)
    return v >= 0 ? v >> s : -((-v + (1LL << s) - 1) >> s);
}

int main() {
    int errors = 0;
    const long long U = 1LL << 20;
    const int nb = 65536 / HP_N;
    unsigned seed = tb_seed;
    const int off = tb_seed ? (int)(lcg(seed) % nb) : 0, step = tb_seed ? 2 * (int)(lcg(seed) % (nb / 2)) + 1 : 1;
    const int rot = tb_seed ? (int)(lcg(seed) % HP_N) : 0;
    for (int j = 0; j < nb; j++) {
        const int base = -32768 + ((off + j * step) % nb) * HP_N;
        hx_t x[HP_N];
        hy_t y[HP_N];
        long long xs[HP_N];
        for (int i = 0; i < HP_N; i++) {
            xs[i] = base + (i + rot) % HP_N;
            x[i].range(15, 0) = xs[i] & 0xFFFF;
        }
        horner3(x, y);
        for (int i = 0; i < HP_N; i++) {
            long long xv = xs[i];                                       // 2^-15 units
            long long t2 = -3 * U / 2 + floor_shift(xv * (3 * U / 4), 15);  // 2^-20 units
            long long t1 = 15 * U / 8 + floor_shift(xv * t2, 15);
            long long t0 = U / 2 + floor_shift(xv * t1, 15);
            long long q = floor_shift(t0, 7), rem = t0 - q * 128;          // to 2^-13, ties to even
            if (rem > 64 || (rem == 64 && (q & 1))) q++;
            long long got = y[i].range(15, 0).to_int64();
            if (got >= 32768) got -= 65536;
            if (got != q) {
                if (errors < 5) std::printf("MISMATCH x_raw=%lld: got %lld expected %lld (2^-13 units)\n", xv, got, q);
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
