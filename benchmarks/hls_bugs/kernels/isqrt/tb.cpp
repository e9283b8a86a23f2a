// Self-checking testbench for isqrt: reference by checking r*r <= x < (r+1)*(r+1).
#include <cstdint>
#include <cstdio>

#include "kernel.h"

static unsigned lcg_state = 31u;
static uint32_t lcg() {
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return lcg_state;
}

static uint32_t ref_isqrt(uint32_t x) {
    uint64_t r = 0;
    for (int b = 15; b >= 0; b--) {
        uint64_t t = r | (1ull << b);
        if (t * t <= x) r = t;
    }
    return (uint32_t)r;
}

int main() {
    int errors = 0;
    uint32_t v[SQ_LEN];
    ap_uint<32> in[SQ_LEN];
    ap_uint<16> out[SQ_LEN];
    const uint32_t fixed[] = {0u, 1u, 2u, 3u, 4u, 15u, 16u, 17u, 65535u, 65536u, 4294967295u, 4294836225u, 1073741824u, 3u << 30};
    for (int i = 0; i < SQ_LEN; i++) {
        v[i] = (i < 14) ? fixed[i] : (lcg() >> (i % 24));
        in[i] = v[i];
        out[i] = 0;
    }
    isqrt(in, out);
    for (int i = 0; i < SQ_LEN; i++) {
        uint32_t expect = ref_isqrt(v[i]);
        if (out[i].to_uint() != expect) {
            if (errors < 5) std::printf("MISMATCH isqrt(%u): got %u expected %u\n", v[i], out[i].to_uint(), expect);
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
