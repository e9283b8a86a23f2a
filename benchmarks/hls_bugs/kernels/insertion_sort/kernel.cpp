#include "kernel.h"

int insertion_sort(skey_t a[INS_N]) {
    int moves = 0;
    for (int i = 1; i < INS_N; i++) {
        ap_int<16> key = a[i];
        int j = i - 1;
        while (j >= 0 && a[j] > key) {
#pragma HLS LOOP_TRIPCOUNT min=0 max=15
            a[j + 1] = a[j];
            j = j - 1;
            moves++;
        }
        a[j + 1] = key;
    }
    return moves;
}
