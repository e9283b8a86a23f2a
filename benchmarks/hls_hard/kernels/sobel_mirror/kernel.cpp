#include "kernel.h"

typedef ap_uint<2> sb_slot_t;   // line-buffer slot: row k is kept in slot k mod 4
typedef ap_uint<5> sb_col_t;    // column index
typedef ap_uint<10> sb_sum_t;   // weighted sum of one side: 0 .. 1020
typedef ap_int<11> sb_grad_t;   // gx, gy: -1020 .. 1020
typedef ap_uint<11> sb_mag_t;   // |gx| + |gy|: 0 .. 2040

struct sb_win_t {
    pix_t p[3][3];   // [row above, row, row below][column left, column, column right]
};

// Reads one input row into a line buffer.
static void read_row(hls::stream<pix_t> &in, pix_t line[SB_W]) {
rd:
    for (int c = 0; c < SB_W; c++) {
#pragma HLS PIPELINE II=1
        line[c] = in.read();
    }
}

// The slots of the rows above and below output row q; at the first and last row the missing
// neighbour is the reflected one, which is the other neighbour.
static void row_slots(int q, int h, sb_slot_t &above, sb_slot_t &mid, sb_slot_t &below) {
#pragma HLS INLINE
    mid = q;
    above = mid - 1;
    below = mid + 1;
    if (q == 0)
        above = below;
    if (q == h - 1)
        below = above;
}

// Reflects a column index that lies one step outside the row.
static sb_col_t reflect(sb_col_t k) {
#pragma HLS INLINE
    if (k == SB_W)
        return SB_W - 2;
    if (k == sb_col_t(-1))
        return 1;
    return k;
}

// The 3x3 window of output pixel (q, c) from the line buffers.
static sb_win_t window(pix_t lb[4][SB_W], sb_slot_t sa, sb_slot_t sm, sb_slot_t sb, int c) {
#pragma HLS INLINE
    const sb_slot_t s[3] = {sa, sm, sb};
    const sb_col_t cl = reflect(c - 1);
    const sb_col_t cr = reflect(c + 1);
    sb_win_t w;
    for (int k = 0; k < 3; k++) {
#pragma HLS UNROLL
        w.p[k][0] = lb[s[k]][cl];
        w.p[k][1] = lb[s[k]][c];
        w.p[k][2] = lb[s[k]][cr];
    }
    return w;
}

static sb_grad_t side_diff(pix_t a0, pix_t a1, pix_t a2, pix_t b0, pix_t b1, pix_t b2) {
#pragma HLS INLINE
    sb_sum_t a = a0 + 2 * a1 + a2;
    sb_sum_t b = b0 + 2 * b1 + b2;
    return a - b;
}

// Edge magnitude of one window, limited to the pixel range.
static pix_t sobel(const sb_win_t &w) {
#pragma HLS INLINE
    sb_grad_t gx = side_diff(w.p[0][2], w.p[1][2], w.p[2][2], w.p[0][0], w.p[1][0], w.p[2][0]);
    sb_grad_t gy = side_diff(w.p[2][0], w.p[2][1], w.p[2][2], w.p[0][0], w.p[0][1], w.p[0][2]);
    sb_mag_t m = (gx < 0 ? sb_grad_t(-gx) : gx) + (gy < 0 ? sb_grad_t(-gy) : gy);
    return m > 255 ? pix_t(255) : pix_t(m);
}

// Computes and streams out output row q.
static void emit_row(pix_t lb[4][SB_W], int q, int h, hls::stream<pix_t> &out) {
    sb_slot_t sa, sm, sb;
    row_slots(q, h, sa, sm, sb);
em:
    for (int c = 0; c < SB_W; c++) {
#pragma HLS PIPELINE II=1
        out.write(sobel(window(lb, sa, sm, sb, c)));
    }
}

void sobel_mirror(hls::stream<pix_t> &in, hls::stream<pix_t> &out, int h) {
    pix_t lb[4][SB_W];
#pragma HLS ARRAY_PARTITION variable=lb dim=1 complete
rows:
    for (int r = 0; r <= h; r++) {
        if (r < h)
            read_row(in, lb[sb_slot_t(r)]);
        if (r >= 1)
            emit_row(lb, r - 1, h, out);
    }
}
