// Self-checking testbench for bit_ops: uint32_t reference.
#include <cstdint>
#include <cstdio>

#include "kernel.h"

static unsigned lcg_state = 424242u;
static uint32_t lcg() {
    lcg_state = lcg_state * 1103515245u + 12345u;
    return lcg_state;
}

int main() {
    int errors = 0;
    uint32_t v[BO_LEN];
    word_t in[BO_LEN], rev[BO_LEN], nib[BO_LEN];
    ap_uint<1> par[BO_LEN];
    ap_uint<6> lzc[BO_LEN];
    for (int i = 0; i < BO_LEN; i++) {
        v[i] = lcg() ^ (lcg() << 7);
        if (i < 6) v[i] >>= (i * 6);
        in[i] = v[i];
    }
    v[20] = 0u;
    v[21] = 0xFFFFFFFFu;
    v[22] = 0x80000000u;
    v[23] = 1u;
    for (int i = 20; i < BO_LEN; i++) in[i] = v[i];
    bit_ops(in, rev, nib, par, lzc);
    for (int i = 0; i < BO_LEN; i++) {
        uint32_t r = 0, p = 0, z = 0;
        for (int b = 0; b < 32; b++) {
            if ((v[i] >> b) & 1u) r |= 1u << (31 - b);
            p ^= (v[i] >> b) & 1u;
        }
        uint32_t n = ((v[i] << 4) & 0xF0F0F0F0u) | ((v[i] >> 4) & 0x0F0F0F0Fu);
        while (z < 32 && !((v[i] >> (31 - z)) & 1u)) z++;
        if (rev[i].to_uint() != r || nib[i].to_uint() != n || par[i].to_uint() != p || lzc[i].to_uint() != z) {
            if (errors < 5)
                std::printf("MISMATCH word %08x: rev %08x/%08x nib %08x/%08x parity %u/%u lzc %u/%u\n", v[i],
                            rev[i].to_uint(), r, nib[i].to_uint(), n, par[i].to_uint(), p, lzc[i].to_uint(), z);
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
