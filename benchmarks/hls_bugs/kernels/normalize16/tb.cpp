// Self-checking testbench for normalize16.
#include <cstdio>

#include "kernel.h"

static unsigned lcg_state = 4u;
static unsigned lcg() {
    lcg_state = lcg_state * 1103515245u + 12345u;
    return (lcg_state >> 8) & 0xFFFFu;
}

int main() {
    int errors = 0;
    unsigned v[NM_LEN];
    ap_uint<16> in[NM_LEN], mant[NM_LEN];
    ap_int<6> expo[NM_LEN];
    for (int i = 0; i < NM_LEN; i++) {
        v[i] = lcg() >> (i % 16);
        if (i == 0) v[i] = 0;
        if (i == 1) v[i] = 1;
        if (i == 2) v[i] = 0x8000;
        if (i == 3) v[i] = 0xFFFF;
        in[i] = v[i];
        mant[i] = 0;
        expo[i] = 0;
    }
    normalize16(in, mant, expo);
    for (int i = 0; i < NM_LEN; i++) {
        int e = -1;
        for (int b = 15; b >= 0; b--)
            if ((v[i] >> b) & 1u) { e = b; break; }
        unsigned m = e < 0 ? 0 : ((v[i] << (15 - e)) & 0xFFFFu);
        if (mant[i].to_uint() != m || expo[i].to_int() != e) {
            if (errors < 5) std::printf("MISMATCH %04x: mant %04x/%04x expo %d/%d\n", v[i], mant[i].to_uint(), m, expo[i].to_int(), e);
            errors++;
        }
    }
    if (errors) {
        std::printf("TB FAIL: %d mismatches\n", errors);
        return 1;
    }
    std::printf("TB PASS\n");
    return 0;
}
