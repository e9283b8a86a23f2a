#ifndef CDOT16_H
#define CDOT16_H

#include "ap_int.h"

#define CD_N 16

struct cin_t {     // a complex sample; both parts use the full range -128 .. 127
    ap_int<8> re;
    ap_int<8> im;
};

struct cout_t {
    ap_int<21> re;
    ap_int<21> im;
};

// Complex dot product without conjugation, computed exactly:
//   y = sum over k < CD_N of x[k] * h[k]
//   (a + bj)(c + dj) = (ac - bd) + (ad + bc)j
void cdot16(const cin_t x[CD_N], const cin_t h[CD_N], cout_t &y);

#endif
