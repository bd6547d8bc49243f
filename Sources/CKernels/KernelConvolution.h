// Convolution kernels: im2col, which lays a plane's windows out as the columns of a GEMM operand, and col2im, its
// transpose (the GEMM path's input gradient accumulates through it); and the depthwise convolution of one channel:
// the dense 3x3 kernel with one column of padding (MobileNet's, at stride 1 or 2) straight from the input rows a
// vector of outputs at a time, other dense 3x3 windows with a nine-tap pass, the rest tap by tap.
// Part of KernelBody.h: included once per instruction set, with GN_TARGET, GN_NAME(x) and GN_LANES defined.

#include "KernelVector.h"

// With stride 1 along both axes and output rows as wide as input rows (a "same" convolution),
// the valid part of a column row is one contiguous run of the input: it is copied in one go
// and the cells that fell into the horizontal padding are zeroed after. Otherwise each output
// row is copied on its own.
// no_builtin: the row copies stay inline, vectorised loops; turned into memmove calls they cost a
// call per row, which dominates for short rows (LeNet-5's conv2 copies 1,500 rows of 10 per image).
__attribute__((no_builtin("memcpy", "memmove", "memset")))
GN_TARGET static void GN_NAME(im2col)(const float *restrict input, int channels, const gn_window *g, int rowBegin,
                                      int rowEnd, float *restrict columns, size_t ld) {
    const int H = g->inputHeight, W = g->inputWidth, OH = rowEnd - rowBegin, OW = g->outputWidth;
    const int sh = g->strideHeight, sw = g->strideWidth;
    const int contiguous = sh == 1 && sw == 1 && OW == W;
    // The valid output rows of each kernel row and columns of each kernel column, the same for
    // every channel: computed once (for a 2x2 plane of 512 channels they would otherwise cost more
    // than the copies) into fixed arrays, so the stack use does not grow with the kernel; a kernel
    // wider or taller than GN_RANGE_CACHE computes them per channel instead.
    const int KH = g->kernelHeight, KW = g->kernelWidth;
    const int cached = KH <= GN_RANGE_CACHE && KW <= GN_RANGE_CACHE;
    int rowLo[GN_RANGE_CACHE], rowHi[GN_RANGE_CACHE], columnLo[GN_RANGE_CACHE], columnHi[GN_RANGE_CACHE];
    for (int ky = 0; cached && ky < KH; ky++) {
        GN_NAME(valid_range)(ky * g->dilationHeight - g->paddingHeight + rowBegin * sh, sh, H, OH, &rowLo[ky],
                             &rowHi[ky]);
    }
    for (int kx = 0; cached && kx < KW; kx++) {
        GN_NAME(valid_range)(kx * g->dilationWidth - g->paddingWidth, sw, W, OW, &columnLo[kx], &columnHi[kx]);
    }
    for (int c = 0; c < channels; c++) {
        const float *plane = input + (size_t)c * H * W;
        for (int ky = 0; ky < KH; ky++) {
            const int yOffset = ky * g->dilationHeight - g->paddingHeight;
            int yLo, yHi;
            if (cached) {
                yLo = rowLo[ky], yHi = rowHi[ky];
            } else {
                GN_NAME(valid_range)(yOffset + rowBegin * sh, sh, H, OH, &yLo, &yHi);
            }
            for (int kx = 0; kx < KW; kx++) {
                float *row = columns + (((size_t)c * KH + ky) * KW + kx) * ld;
                const int xOffset = kx * g->dilationWidth - g->paddingWidth;
                int lo, hi;
                if (cached) {
                    lo = columnLo[kx], hi = columnHi[kx];
                } else {
                    GN_NAME(valid_range)(xOffset, sw, W, OW, &lo, &hi);
                }
                for (size_t i = 0; i < (size_t)yLo * OW; i++) row[i] = 0;
                for (size_t i = (size_t)yHi * OW; i < (size_t)OH * OW; i++) row[i] = 0;
                if (yLo >= yHi) continue;
                if (contiguous && lo < hi) {
                    const size_t first = (size_t)yLo * OW + lo, last = (size_t)(yHi - 1) * OW + hi;
                    const float *in = plane + (ptrdiff_t)(yLo + rowBegin + yOffset) * W + xOffset;
                    for (size_t i = first; i < last; i++) row[i] = in[i - (size_t)yLo * OW];
                    for (int oy = yLo; oy < yHi; oy++) {
                        float *out = row + (size_t)oy * OW;
                        for (int ox = 0; ox < lo; ox++) out[ox] = 0;
                        for (int ox = hi; ox < OW; ox++) out[ox] = 0;
                    }
                    continue;
                }
                for (int oy = yLo; oy < yHi; oy++) {
                    float *out = row + (size_t)oy * OW;
                    const float *in = plane + (ptrdiff_t)((oy + rowBegin) * sh + yOffset) * W + xOffset;
                    for (int ox = 0; ox < lo; ox++) out[ox] = 0;
                    if (sw == 1) {
                        for (int ox = lo; ox < hi; ox++) out[ox] = in[ox];
                    } else if (sw == 2) {
                        // A constant stride: the even or odd lanes of two vectors, not a gather.
                        for (int ox = lo; ox < hi; ox++) out[ox] = in[2 * ox];
                    } else {
                        for (int ox = lo; ox < hi; ox++) out[ox] = in[ox * sw];
                    }
                    for (int ox = hi; ox < OW; ox++) out[ox] = 0;
                }
            }
        }
    }
}

GN_TARGET static void GN_NAME(col2im)(const float *restrict columns, int channels, const gn_window *g,
                                      float *restrict input) {
    const int H = g->inputHeight, W = g->inputWidth, OH = g->outputHeight, OW = g->outputWidth;
    const int sh = g->strideHeight, sw = g->strideWidth;
    for (int c = 0; c < channels; c++) {
        float *plane = input + (size_t)c * H * W;
        for (int ky = 0; ky < g->kernelHeight; ky++) {
            const int yOffset = ky * g->dilationHeight - g->paddingHeight;
            int yLo, yHi;
            GN_NAME(valid_range)(yOffset, sh, H, OH, &yLo, &yHi);
            for (int kx = 0; kx < g->kernelWidth; kx++) {
                const float *row = columns +
                    (((size_t)c * g->kernelHeight + ky) * g->kernelWidth + kx) * OH * OW;
                const int xOffset = kx * g->dilationWidth - g->paddingWidth;
                int lo, hi;
                GN_NAME(valid_range)(xOffset, sw, W, OW, &lo, &hi);
                for (int oy = yLo; oy < yHi; oy++) {
                    const float *src = row + (size_t)oy * OW;
                    float *dst = plane + (ptrdiff_t)(oy * sh + yOffset) * W + xOffset;
                    if (sw == 1) {
                        for (int ox = lo; ox < hi; ox++) dst[ox] += src[ox];
                    } else {
                        for (int ox = lo; ox < hi; ox++) dst[ox * sw] += src[ox];
                    }
                }
            }
        }
    }
}

// out[j] = bias + the nine taps of a 3x3 kernel at column j*step of rows r0, r1, r2, for j < n:
// one pass with all taps per vector. Inlined, so a step of 1 is a constant and the loads are
// contiguous.
GN_TARGET static inline void GN_NAME(dense3x3_run)(const float *r0, const float *r1, const float *r2, int step,
                                                   size_t n, const float *kernel, float bias, float *out) {
    const float w0 = kernel[0], w1 = kernel[1], w2 = kernel[2], w3 = kernel[3], w4 = kernel[4];
    const float w5 = kernel[5], w6 = kernel[6], w7 = kernel[7], w8 = kernel[8];
    for (size_t j = 0; j < n; j++) {
        const size_t x = j * step;
        out[j] = bias + w0 * r0[x] + w1 * r0[x + 1] + w2 * r0[x + 2] + w3 * r1[x] + w4 * r1[x + 1] + w5 * r1[x + 2] +
                 w6 * r2[x] + w7 * r2[x + 1] + w8 * r2[x + 2];
    }
}

// The input row a kernel row reads: row iy of the plane, or the zero row (padding).
#define GN_ROW(iy) ((iy) >= 0 && (iy) < H ? input + (size_t)(iy) * W : zeros)
// bias + the nine taps of kernel rows a, c, d (each a triple t0, t1, t2 of vectors): a sum per kernel row, then
// the three (shorter dependency chains than one running sum: 5-10% faster), clamped to [lo, hi].
#define GN_NINE_TAPS(a, c, d)                                                                                          \
    GN_NAME(clamped)((b + w0 * a##0 + w1 * a##1 + w2 * a##2) + (w3 * c##0 + w4 * c##1 + w5 * c##2) +                  \
                         (w6 * d##0 + w7 * d##1 + w8 * d##2),                                                          \
                     lo, hi)
// Loads and stores of a block: whole vectors inside a row (the _ALL forms, no test), or the first n floats at its
// end (the _SOME forms; zeros after them).
#define GN_LOAD_ALL(p, n) (*(const floats *)(p))
#define GN_STORE_ALL(p, v, n) (*(floats *)(p) = (v))
#define GN_LOAD_SOME(p, n) GN_NAME(load_first)(p, n, 0)
#define GN_STORE_SOME(p, v, n) GN_NAME(store_first)(p, v, n)

// Dense 3x3, stride 1, one column of padding each side (a "same" convolution: OW = W): each output row straight
// from its three input rows, no copies. A block of GN_LANES outputs from column x reads columns x - 1..x + GN_LANES:
// the vector at x, the one before it (carried from the previous block; zeros left of the plane, the padding) and
// the one after (loaded here and carried to the next block; zeros past the row), the taps at x - 1 and x + 1
// shifted in from them. Output rows go in pairs, which share two input rows; rows outside the plane read a zero
// row in the workspace (W floats). Blocks whose loads and stores stay inside the row run without tests.
GN_TARGET static void GN_NAME(depthwise3x3_same)(const float *input, const float *kernel, float bias, float lower,
                                                 float upper, const gn_window *g, float *workspace, float *output) {
    typedef GN_NAME(floats) floats;
    const int H = g->inputHeight, W = g->inputWidth, OH = g->outputHeight, ph = g->paddingHeight;
    float *zeros = workspace;
    for (int i = 0; i < W; i++) zeros[i] = 0;
    const floats w0 = kernel[0], w1 = kernel[1], w2 = kernel[2], w3 = kernel[3], w4 = kernel[4];
    const floats w5 = kernel[5], w6 = kernel[6], w7 = kernel[7], w8 = kernel[8], b = bias;
    const floats lo = lower, hi = upper;
    // One input row's taps t0, t1, t2 for the block at x, from the carried vectors t_before and t_at.
#define GN_ROW_TAPS(r, t, LOAD)                                                                                        \
    const floats t##after = LOAD(r + x + GN_LANES, W - x - GN_LANES);                                                  \
    const floats t##0 = GN_NAME(previous_lanes)(t##before, t##at), t##1 = t##at;                                       \
    const floats t##2 = GN_NAME(next_lanes)(t##at, t##after);                                                          \
    t##before = t##at;                                                                                                 \
    t##at = t##after
#define GN_PAIR_BLOCK(LOAD, STORE)                                                                                     \
    do {                                                                                                               \
        GN_ROW_TAPS(r0, a, LOAD);                                                                                      \
        GN_ROW_TAPS(r1, c, LOAD);                                                                                      \
        GN_ROW_TAPS(r2, d, LOAD);                                                                                      \
        GN_ROW_TAPS(r3, e, LOAD);                                                                                      \
        STORE(out0 + x, GN_NINE_TAPS(a, c, d), W - x);                                                                 \
        STORE(out1 + x, GN_NINE_TAPS(c, d, e), W - x);                                                                 \
    } while (0)
#define GN_SINGLE_BLOCK(LOAD, STORE)                                                                                   \
    do {                                                                                                               \
        GN_ROW_TAPS(r0, a, LOAD);                                                                                      \
        GN_ROW_TAPS(r1, c, LOAD);                                                                                      \
        GN_ROW_TAPS(r2, d, LOAD);                                                                                      \
        STORE(out0 + x, GN_NINE_TAPS(a, c, d), W - x);                                                                 \
    } while (0)
    for (int oy = 0; oy < OH; oy += 2) {
        const float *r0 = GN_ROW(oy - ph), *r1 = GN_ROW(oy + 1 - ph), *r2 = GN_ROW(oy + 2 - ph);
        const float *r3 = GN_ROW(oy + 3 - ph);
        float *out0 = output + (size_t)oy * W, *out1 = out0 + W;
        floats abefore = 0, cbefore = 0, dbefore = 0, ebefore = 0;
        floats aat = GN_NAME(load_first)(r0, W, 0), cat = GN_NAME(load_first)(r1, W, 0);
        floats dat = GN_NAME(load_first)(r2, W, 0), eat = GN_NAME(load_first)(r3, W, 0);
        int x = 0;
        if (oy + 1 < OH) {
            for (; x + 2 * GN_LANES <= W; x += GN_LANES) GN_PAIR_BLOCK(GN_LOAD_ALL, GN_STORE_ALL);
            for (; x < W; x += GN_LANES) GN_PAIR_BLOCK(GN_LOAD_SOME, GN_STORE_SOME);
        } else {
            for (; x + 2 * GN_LANES <= W; x += GN_LANES) GN_SINGLE_BLOCK(GN_LOAD_ALL, GN_STORE_ALL);
            for (; x < W; x += GN_LANES) GN_SINGLE_BLOCK(GN_LOAD_SOME, GN_STORE_SOME);
        }
    }
#undef GN_ROW_TAPS
#undef GN_PAIR_BLOCK
#undef GN_SINGLE_BLOCK
}

#if GN_LANES >= 8
// The lanes of p where mask is set (-1), zeros elsewhere: masked-off lanes are not read (no fault past a plane).
GN_TARGET static inline GN_NAME(floats) GN_NAME(load_where)(const float *p, GN_NAME(lanes) mask) {
#if GN_LANES == 16
    return (GN_NAME(floats))_mm512_maskz_loadu_ps(_mm512_test_epi32_mask((__m512i)mask, (__m512i)mask), p);
#else
    return (GN_NAME(floats))_mm256_maskload_ps(p, (__m256i)mask);
#endif
}

// Dense 3x3, stride 1, one row and one column of padding each side, on a plane at most half a vector wide
// (MobileNet's 14x14 and 7x7): the plane as one run of H*W floats, GN_LANES outputs a block across row ends. Tap
// (dy, dx) of output i reads input i + dy*W + dx, where both the column (x + dx inside the row, x = i % W, kept
// as a vector of lanes) and the flat index (inside the plane, which stands for the row) are in range: masked
// loads, no copies and no zero row. The row-at-a-time kernel fills 7 of 16 lanes on a 7x7 plane and runs 4
// blocks of 2 rows with loads of a row's end: 180 cycles a plane where this takes about 60.
GN_TARGET static void GN_NAME(depthwise3x3_flat)(const float *input, const float *kernel, float bias, float lower,
                                                 float upper, const gn_window *g, float *output) {
    typedef GN_NAME(floats) floats;
    typedef GN_NAME(lanes) lanes;
    const int W = g->inputWidth, count = g->inputHeight * W;
    lanes iota;
    for (int l = 0; l < GN_LANES; l++) iota[l] = l;
    // The columns of the first block's lanes (iota % W), then advanced by GN_LANES % W per block.
    lanes column = iota;
    for (int wrapped = W; wrapped < GN_LANES; wrapped += W) column -= (column >= W) & W;
    const int advance = GN_LANES % W;
    const floats b = bias, lo = lower, hi = upper;
    for (int i = 0; i < count; i += GN_LANES) {
        const lanes position = iota + i;
        const lanes left = column >= 1, right = column <= W - 2;
        floats rows[3];
        for (int dy = -1; dy <= 1; dy++) {
            const lanes source = position + dy * W, inside = (source >= 0) & (source < count);
            const float *at = input + (ptrdiff_t)i + dy * W, *w = kernel + 3 * (dy + 1);
            rows[dy + 1] = w[0] * GN_NAME(load_where)(at - 1, inside & left) +
                           w[1] * GN_NAME(load_where)(at, inside) + w[2] * GN_NAME(load_where)(at + 1, inside & right);
        }
        GN_NAME(store_first)(output + i, GN_NAME(clamped)(b + rows[0] + rows[1] + rows[2], lo, hi), count - i);
        column += advance;
        column -= (column >= W) & W;
    }
}
#endif

// Dense 3x3, stride 2 across, one column of padding each side (any vertical stride and padding): each output row
// straight from its three input rows, no copies. A block of GN_LANES outputs from column x reads the input columns
// 2x - 1..2x + 2·GN_LANES - 1: two vectors from 2x (zeros past the row: the padding), split into their even and
// odd columns, which are the taps at 2x' and 2x' + 1; the tap at 2x' - 1 is the odd columns shifted by one, the
// first from the previous block (zero left of the plane). Rows outside the plane read a zero row (W floats).
// Blocks whose loads stay inside the row (their stores then do too) run without tests.
GN_TARGET static void GN_NAME(depthwise3x3_stride2)(const float *input, const float *kernel, float bias,
                                                    float lower, float upper, const gn_window *g, float *workspace,
                                                    float *output) {
    typedef GN_NAME(floats) floats;
    const int H = g->inputHeight, W = g->inputWidth, OH = g->outputHeight, OW = g->outputWidth;
    const int sh = g->strideHeight, ph = g->paddingHeight;
    float *zeros = workspace;
    for (int i = 0; i < W; i++) zeros[i] = 0;
    const floats w0 = kernel[0], w1 = kernel[1], w2 = kernel[2], w3 = kernel[3], w4 = kernel[4];
    const floats w5 = kernel[5], w6 = kernel[6], w7 = kernel[7], w8 = kernel[8], b = bias;
    const floats lo = lower, hi = upper;
#define GN_ROW_TAPS(r, t, LOAD)                                                                                        \
    const floats t##lo = LOAD(r + 2 * x, W - 2 * x), t##hi = LOAD(r + 2 * x + GN_LANES, W - 2 * x - GN_LANES);         \
    const floats t##1 = GN_NAME(even_lanes)(t##lo, t##hi);                                                             \
    const floats t##2 = GN_NAME(odd_lanes)(t##lo, t##hi);                                                              \
    const floats t##0 = GN_NAME(previous_lanes)(t##before, t##2);                                                      \
    t##before = t##2
#define GN_BLOCK(LOAD, STORE)                                                                                          \
    do {                                                                                                               \
        GN_ROW_TAPS(r0, a, LOAD);                                                                                      \
        GN_ROW_TAPS(r1, c, LOAD);                                                                                      \
        GN_ROW_TAPS(r2, d, LOAD);                                                                                      \
        STORE(out + x, GN_NINE_TAPS(a, c, d), OW - x);                                                                 \
    } while (0)
    for (int oy = 0; oy < OH; oy++) {
        const int iy = oy * sh - ph;
        const float *r0 = GN_ROW(iy), *r1 = GN_ROW(iy + 1), *r2 = GN_ROW(iy + 2);
        float *out = output + (size_t)oy * OW;
        floats abefore = 0, cbefore = 0, dbefore = 0;
        int x = 0;
        for (; 2 * x + 2 * GN_LANES <= W; x += GN_LANES) GN_BLOCK(GN_LOAD_ALL, GN_STORE_ALL);
        for (; x < OW; x += GN_LANES) GN_BLOCK(GN_LOAD_SOME, GN_STORE_SOME);
    }
#undef GN_ROW_TAPS
#undef GN_BLOCK
}

#undef GN_ROW
#undef GN_NINE_TAPS
#undef GN_LOAD_ALL
#undef GN_STORE_ALL
#undef GN_LOAD_SOME
#undef GN_STORE_SOME

__attribute__((no_builtin("memcpy", "memmove", "memset")))
// A k x 1 kernel at stride 1, undilated, with no column padding (a flattened conv's vertical
// stage), straight from the input with no padded copy: the rows whose taps all fall inside the
// plane as one run over the flattened plane (row r's tap ky reads ky - padding rows away, a
// constant offset), the few rows that reach into the padding one by one without those taps.
GN_TARGET static void GN_NAME(depthwise_vertical)(const float *restrict input, const float *restrict kernel,
                                                  float bias, const gn_window *g, float *restrict output) {
    const int H = g->inputHeight, W = g->inputWidth, OH = g->outputHeight, KH = g->kernelHeight;
    const int p = g->paddingHeight;
    int lo = p < OH ? p : OH, hi = H - KH + 1 + p;
    if (hi > OH) hi = OH;
    if (hi < lo) hi = lo;
    const size_t first = (size_t)lo * W, last = (size_t)hi * W;
    const float *restrict base = input - (ptrdiff_t)p * W;
    if (KH == 3) {
        const float w0 = kernel[0], w1 = kernel[1], w2 = kernel[2];
        for (size_t i = first; i < last; i++) output[i] = bias + w0 * base[i] + w1 * base[i + W] + w2 * base[i + 2 * (size_t)W];
    } else {
        for (size_t i = first; i < last; i++) output[i] = bias;
        for (int ky = 0; ky < KH; ky++) {
            const float w = kernel[ky];
            const float *restrict in = base + (size_t)ky * W;
            for (size_t i = first; i < last; i++) output[i] += w * in[i];
        }
    }
    for (int oy = 0; oy < OH; oy++) {
        if (oy >= lo && oy < hi) continue;
        float *restrict out = output + (size_t)oy * W;
        for (int x = 0; x < W; x++) out[x] = bias;
        for (int ky = 0; ky < KH; ky++) {
            const int y = oy - p + ky;
            if (y < 0 || y >= H) continue;
            const float w = kernel[ky];
            const float *restrict in = input + (size_t)y * W;
            for (int x = 0; x < W; x++) out[x] += w * in[x];
        }
    }
}

// A 1 x 3 kernel at stride 1, undilated, with one column of padding and none in rows (a
// flattened conv's horizontal stage): the whole plane as one run with the three taps at offsets
// -1, 0, +1 (which reads across row ends), then each row's two edge columns recomputed with the
// padding's zero in place of the neighbouring row's value.
GN_TARGET static void GN_NAME(depthwise_horizontal3)(const float *restrict input, const float *restrict kernel,
                                                     float bias, const gn_window *g, float *restrict output) {
    const int W = g->inputWidth, OH = g->outputHeight;
    const float w0 = kernel[0], w1 = kernel[1], w2 = kernel[2];
    const size_t count = (size_t)OH * W;
    if (count >= 3) {
        for (size_t i = 1; i < count - 1; i++) output[i] = bias + w0 * input[i - 1] + w1 * input[i] + w2 * input[i + 1];
    }
    for (int y = 0; y < OH; y++) {
        const float *in = input + (size_t)y * W;
        float *out = output + (size_t)y * W;
        out[0] = bias + w1 * in[0] + (W > 1 ? w2 * in[1] : 0);
        if (W > 1) out[W - 1] = bias + w0 * in[W - 2] + w1 * in[W - 1];
    }
}

// The other paths' outputs clamped to [lower, upper] once written (still in L1), unless the bounds are infinite.
GN_TARGET static void GN_NAME(depthwisePlaneUnclamped)(const float *input, const float *kernel, float bias,
                                                       const gn_window *g, float *workspace, float *output);

GN_TARGET static void GN_NAME(depthwisePlane)(const float *input, const float *kernel, float bias, float lower,
                                              float upper, const gn_window *g, float *workspace, float *output) {
    const int W = g->inputWidth, OH = g->outputHeight, OW = g->outputWidth;
    const int KH = g->kernelHeight, KW = g->kernelWidth;
    const int sh = g->strideHeight, sw = g->strideWidth, dh = g->dilationHeight, dw = g->dilationWidth;
    // Dense 3x3 with one column of padding each side, at stride 1 along both axes or 2 across: straight from the
    // input rows (using W floats of workspace, a zero row).
    const int dense3x3 = KH == 3 && KW == 3 && dh == 1 && dw == 1;
#if GN_LANES >= 8
    if (dense3x3 && g->paddingWidth == 1 && g->paddingHeight == 1 && sh == 1 && sw == 1 && W <= GN_LANES / 2) {
        GN_NAME(depthwise3x3_flat)(input, kernel, bias, lower, upper, g, output);
        return;
    }
#endif
    if (dense3x3 && g->paddingWidth == 1 && sh == 1 && sw == 1) {
        GN_NAME(depthwise3x3_same)(input, kernel, bias, lower, upper, g, workspace, output);
        return;
    }
    if (dense3x3 && g->paddingWidth == 1 && sw == 2) {
        GN_NAME(depthwise3x3_stride2)(input, kernel, bias, lower, upper, g, workspace, output);
        return;
    }
    GN_NAME(depthwisePlaneUnclamped)(input, kernel, bias, g, workspace, output);
    if (lower > -__builtin_inff() || upper < __builtin_inff()) {
        for (size_t i = 0; i < (size_t)OH * OW; i++) {
            const float v = output[i];
            output[i] = v < lower ? lower : v > upper ? upper : v;
        }
    }
}

GN_TARGET static void GN_NAME(depthwisePlaneUnclamped)(const float *input, const float *kernel, float bias,
                                                       const gn_window *g, float *workspace, float *output) {
    const int W = g->inputWidth, OH = g->outputHeight, OW = g->outputWidth;
    const int KH = g->kernelHeight, KW = g->kernelWidth;
    const int sh = g->strideHeight, sw = g->strideWidth, dh = g->dilationHeight, dw = g->dilationWidth;
    const int dense3x3 = KH == 3 && KW == 3 && dh == 1 && dw == 1;
    // The 1-D stages of a flattened conv: straight from the input rows.
    if (KW == 1 && sh == 1 && sw == 1 && dh == 1 && g->paddingWidth == 0) {
        GN_NAME(depthwise_vertical)(input, kernel, bias, g, output);
        return;
    }
    if (KH == 1 && KW == 3 && sh == 1 && sw == 1 && dw == 1 && g->paddingHeight == 0 && g->paddingWidth == 1) {
        GN_NAME(depthwise_horizontal3)(input, kernel, bias, g, output);
        return;
    }
    const float *source = input;
    int stride = W;
    float *flat = workspace;
    if (g->paddingHeight != 0 || g->paddingWidth != 0) {
        GN_NAME(pad_plane)(input, g, workspace);
        source = workspace;
        stride = W + 2 * g->paddingWidth;
        // The accumulator follows the padded copy after a zeroed gap of 16 floats, which the
        // rounded-up run below may read past the copy's end without overlapping what it writes.
        float *gap = workspace + (size_t)(g->inputHeight + 2 * g->paddingHeight) * stride;
        for (int i = 0; i < 16; i++) gap[i] = 0;
        flat = gap + 16;
    }
    if (sh == 1 && sw == 1 && (OW < 64 || dense3x3)) {
        // Stride 1: every output row at once, as one run over the (padded) plane's rows including
        // the columns between them, then the valid columns copied out. With padding the source is
        // the workspace's padded copy, followed by the gap, so the run is rounded up to whole
        // vectors (the extra lanes are never copied out). A 3x3 kernel takes all nine taps in one
        // pass (nine loads and one store per vector); others accumulate tap by tap.
        const size_t exact = (size_t)(OH - 1) * stride + OW;
        const size_t count = source == input ? exact : (exact + GN_LANES - 1) / GN_LANES * GN_LANES;
        if (dense3x3) {
            GN_NAME(dense3x3_run)(source, source + stride, source + 2 * (size_t)stride, 1, count, kernel, bias, flat);
        } else {
            for (size_t i = 0; i < count; i++) flat[i] = bias;
            for (int ky = 0; ky < KH; ky++) {
                for (int kx = 0; kx < KW; kx++) {
                    const float w = kernel[(size_t)ky * KW + kx];
                    const float *in = source + (size_t)ky * dh * stride + kx * dw;
                    for (size_t i = 0; i < count; i++) flat[i] += w * in[i];
                }
            }
        }
        for (int oy = 0; oy < OH; oy++) {
            for (int ox = 0; ox < OW; ox++) output[(size_t)oy * OW + ox] = flat[(size_t)oy * stride + ox];
        }
        return;
    }
    if (dense3x3) {
        // Strided 3x3: each output row from its nine taps, vectorised over the row's outputs.
        for (int oy = 0; oy < OH; oy++) {
            const float *r0 = source + (size_t)oy * sh * stride;
            GN_NAME(dense3x3_run)(r0, r0 + stride, r0 + 2 * (size_t)stride, sw, OW, kernel, bias,
                                  output + (size_t)oy * OW);
        }
        return;
    }
    for (int oy = 0; oy < OH; oy++) {
        float *out = output + (size_t)oy * OW;
        for (int ox = 0; ox < OW; ox++) out[ox] = bias;
        for (int ky = 0; ky < KH; ky++) {
            const float *row = source + (size_t)(oy * sh + ky * dh) * stride;
            for (int kx = 0; kx < KW; kx++) {
                const float w = kernel[(size_t)ky * KW + kx];
                const float *in = row + kx * dw;
                if (sw == 1) {
                    for (int ox = 0; ox < OW; ox++) out[ox] += w * in[ox];
                } else {
                    for (int ox = 0; ox < OW; ox++) out[ox] += w * in[ox * sw];
                }
            }
        }
    }
}
