// Self-checking testbench for gcd_lcm.
#include <cstdint>
#include <cstdio>

#include "kernel.h"

static unsigned lcg_state = 123u;
static unsigned lcg() {
    lcg_state = lcg_state * 1103515245u + 12345u;
    return (lcg_state >> 8) & 0xFFFFu;
}

static uint32_t ref_gcd(uint32_t x, uint32_t y) {
    while (y) { uint32_t t = x % y; x = y; y = t; }
    return x;
}

int main() {
    int errors = 0;
    uint32_t av[GL_LEN], bv[GL_LEN];
    ap_uint<16> a[GL_LEN], b[GL_LEN], g[GL_LEN];
    ap_uint<32> l[GL_LEN];
    for (int i = 0; i < GL_LEN; i++) {
        uint32_t f = 1 + lcg() % 60;
        av[i] = f * (lcg() % 1000);
        bv[i] = f * (lcg() % 1000);
        g[i] = 0;
        l[i] = 0;
    }
    av[0] = 0; bv[0] = 0;
    av[1] = 0; bv[1] = 35;
    av[2] = 48; bv[2] = 0;
    av[3] = 65535; bv[3] = 65535;
    av[4] = 65521; bv[4] = 65519;
    av[5] = 1024; bv[5] = 4096;
    for (int i = 0; i < GL_LEN; i++) { a[i] = av[i]; b[i] = bv[i]; }
    gcd_lcm(a, b, g, l);
    for (int i = 0; i < GL_LEN; i++) {
        uint32_t d = ref_gcd(av[i], bv[i]);
        uint32_t m = d ? (av[i] / d) * bv[i] : 0;
        if (g[i].to_uint() != d || l[i].to_uint() != m) {
            if (errors < 5) std::printf("MISMATCH (%u, %u): gcd %u/%u lcm %u/%u\n", av[i], bv[i], g[i].to_uint(), d, l[i].to_uint(), m);
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
