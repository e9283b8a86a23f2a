// Self-checking testbench for sm_scale: integer model (gain in 2^-8 units, ties away from zero,
// limit to 127) over every sample value -128 .. 127 and gains with ties and full scale.
#include <cstdio>

#include "kernel.h"

int main() {
    const int g_v[7] = {255, 128, 64, 1, 0, 192, 171};
    int errors = 0;
    for (int k = 0; k < 7; k++) {
        sm_gain_t g;
        g.range(7, 0) = g_v[k];
        ap_int<8> x[SM_N];
        ap_uint<8> y[SM_N];
        for (int i = 0; i < SM_N; i++) x[i] = i - 128;
        sm_scale(x, g, y);
        for (int i = 0; i < SM_N; i++) {
            long long p = (long long)(i - 128) * g_v[k];  // v in 2^-8 units
            long long m = p < 0 ? -p : p;
            long long r = (m + 128) / 256;                   // |r|, ties away from zero
            int neg = p < 0 && r != 0;
            if (r > 127) r = 127;
            unsigned want = (unsigned)((neg << 7) | r);
            if (y[i].to_uint() != want) {
                if (errors < 5)
                    std::printf("MISMATCH g_raw=%d x=%d: got 0x%02x expected 0x%02x\n", g_v[k], i - 128, y[i].to_uint(),
                                want);
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
