// Self-checking testbench for restoring_div: C division on inputs that meet the precondition.
#include <cstdio>

#include "kernel.h"

static unsigned lcg_state = 77u;
static unsigned lcg() {
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return lcg_state >> 8;
}

int main() {
    int errors = 0;
    // hweval: the cases run in an order drawn from the seed, the random case (t == 4) 12 more
    // times, so no directed case sits at the same call position under every seed
    int tb_order[20];
    {
        unsigned s = lcg_state ^ 0x5bd1e995u;
        for (int i = 0; i < 20; i++) tb_order[i] = i < 8 ? i : 4;
        for (int i = 20 - 1; i > 0; i--) {
            s = s * 1664525u + 1013904223u;
            int j = (int)((s >> 8) % (unsigned)(i + 1));
            int tmp = tb_order[i];
            tb_order[i] = tb_order[j];
            tb_order[j] = tmp;
        }
    }
    for (int tb_i = 0; tb_i < 20; tb_i++) {
        const int t = tb_order[tb_i];
        u32_t a[RD_N];
        u16_t d[RD_N], q[RD_N], r[RD_N];
        unsigned av[RD_N], dv[RD_N];
        for (int i = 0; i < RD_N; i++) {
            dv[i] = t < 4 ? 1 + lcg() % 4000 : 1 + lcg() % 65535;
            if (t == 7) dv[i] = 32769 + lcg() % 32767;  // large divisors
            unsigned hi = lcg() % dv[i];                 // (a >> 16) < d
            av[i] = (hi << 16) | (lcg() % 65536);
            if (i == 0) { dv[i] = 1; av[i] = 65535; }
            if (i == 1) { dv[i] = 65535; av[i] = 0xFFFEFFFFu; }
            if (i == 2) { dv[i] = 32769; av[i] = (32768u << 16) | 65535u; }
            a[i] = av[i];
            d[i] = dv[i];
            q[i] = 0;
            r[i] = 0;
        }
        restoring_div(a, d, q, r);
        for (int i = 0; i < RD_N; i++) {
            unsigned wq = av[i] / dv[i], wr = av[i] % dv[i];
            if ((unsigned)q[i] != wq || (unsigned)r[i] != wr) {
                if (errors < 5) std::printf("MISMATCH test %d: %u / %u: got q=%u r=%u expected q=%u r=%u\n", t, av[i], dv[i], (unsigned)q[i], (unsigned)r[i], wq, wr);
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
