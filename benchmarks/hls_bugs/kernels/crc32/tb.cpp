// Self-checking testbench for crc32: table-free bitwise reference on uint32_t.
#include <cstdint>
#include <cstdio>

#include "kernel.h"

static uint32_t ref_crc32(const uint8_t *d, int len) {
    uint32_t c = 0xFFFFFFFFu;
    for (int i = 0; i < len; i++) {
        c ^= d[i];
        for (int b = 0; b < 8; b++) c = (c >> 1) ^ ((c & 1u) ? 0xEDB88320u : 0u);
    }
    return ~c;
}

static unsigned lcg_state = 77u;
static unsigned lcg() {
    lcg_state = lcg_state * 1103515245u + 12345u;
    return (lcg_state >> 13) & 0xFFu;
}

int main() {
    int errors = 0;
    const int lens[] = {1, 4, 9, 32, 63, CRC_LEN};
    for (int t = 0; t < 6; t++) {
        uint8_t d[CRC_LEN];
        ap_uint<8> data[CRC_LEN];
        for (int i = 0; i < CRC_LEN; i++) {
            d[i] = (uint8_t)lcg();
            if (t == 1) d[i] = (uint8_t)"123456789"[i % 9];
            data[i] = d[i];
        }
        uint32_t expect = ref_crc32(d, lens[t]);
        uint32_t got = crc32(data, lens[t]).to_uint();
        if (got != expect) {
            std::printf("MISMATCH len=%d: got %08x expected %08x\n", lens[t], got, expect);
            errors++;
        }
    }
    ap_uint<8> check[CRC_LEN];
    for (int i = 0; i < 9; i++) check[i] = "123456789"[i];
    if (crc32(check, 9).to_uint() != 0xCBF43926u) {
        std::printf("MISMATCH check value: got %08x expected cbf43926\n", crc32(check, 9).to_uint());
        errors++;
    }
    if (errors) {
        std::printf("TB FAIL: %d mismatches\n", errors);
        return 1;
    }
    std::printf("TB PASS\n");
    return 0;
}
