// Self-checking testbench for horner3: integer model of the truncated Horner steps (2^-20
// units) and the final convergent rounding, for every x code in [-1, 1).
#include <cstdio>

#include "kernel.h"

static long long floor_shift(long long v, int s) {  // floor(v / 2^s)
    return v >= 0 ? v >> s : -((-v + (1LL << s) - 1) >> s);
}

int main() {
    int errors = 0;
    const long long U = 1LL << 20;
    for (int base = -32768; base < 32768; base += HP_N) {
        hx_t x[HP_N];
        hy_t y[HP_N];
        for (int i = 0; i < HP_N; i++) x[i].range(15, 0) = (base + i) & 0xFFFF;
        horner3(x, y);
        for (int i = 0; i < HP_N; i++) {
            long long xv = base + i;                                       // 2^-15 units
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
