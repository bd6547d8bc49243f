// Pooling over one channel: max pooling (a NaN wins, as in PyTorch; whole-vector passes for 2x2 windows at stride 2
// and 3x3 at stride 2, a separable path for other overlapping windows) and average pooling (with or without the
// padded cells in the divisor).
// Part of KernelBody.h: included once per instruction set, with GN_TARGET, GN_NAME(x) and GN_LANES defined. Uses
// KernelVector.h's helpers, which KernelConvolution.h includes before this file.

// out[ox] = max(out[ox], in[ox * s]) for ox in [lo, hi), NaN winning; constant strides for the
// common cases, so the compiler vectorises the loads.
// out[ox] = max(out[ox], in[ox * s + offset]) for ox in [lo, hi). The offset (negative under padding) is added to
// the index, never to the pointer, so no pointer before the array is ever formed.
GN_TARGET static inline void GN_NAME(max_across)(float *restrict out, const float *restrict in, int offset, int lo,
                                                 int hi, int s) {
    if (s == 1) {
        for (int ox = lo; ox < hi; ox++) out[ox] = GN_MAX_NAN(out[ox], in[ox + offset]);
    } else if (s == 2) {
        for (int ox = lo; ox < hi; ox++) out[ox] = GN_MAX_NAN(out[ox], in[2 * ox + offset]);
    } else {
        for (int ox = lo; ox < hi; ox++) out[ox] = GN_MAX_NAN(out[ox], in[ox * s + offset]);
    }
}

// GN_MAX_NAN(best, v) lane by lane: v where v > best or v is a NaN, else best (so, over a window in a fixed
// order: the last NaN if any, else the first of the largest; the same bits as the scalar loops give). On x86,
// maxps(v, best) is v > best ? v : best, and best when either is a NaN; then v where v is a NaN.
GN_TARGET static inline GN_NAME(floats) GN_NAME(max_nan_lanes)(GN_NAME(floats) best, GN_NAME(floats) v) {
    typedef GN_NAME(floats) floats;
#if GN_LANES == 16
    const __m512 larger = _mm512_max_ps((__m512)v, (__m512)best);
    return (floats)_mm512_mask_mov_ps(larger, _mm512_cmp_ps_mask((__m512)v, (__m512)v, _CMP_UNORD_Q), (__m512)v);
#elif GN_LANES == 8 && defined(__x86_64__)
    const __m256 larger = _mm256_max_ps((__m256)v, (__m256)best);
    return (floats)_mm256_blendv_ps(larger, (__m256)v, _mm256_cmp_ps((__m256)v, (__m256)v, _CMP_UNORD_Q));
#else
    typedef int ints __attribute__((ext_vector_type(GN_LANES)));
    const ints takes = (v > best) | (v != v);
    return (floats)(((ints)v & takes) | ((ints)best & ~takes));
#endif
}

// Loads of a block: a whole vector inside the row (no test), or the floats left before its end, then -infinity
// (which never wins: GN_MAX_NAN(best, -inf) is best and GN_MAX_NAN(-inf, v) is v, bit for bit).
#define GN_LOAD_ALL(p, n) (*(const floats *)(p))
#define GN_LOAD_SOME(p, n) GN_NAME(load_first)(p, n, -__builtin_inff())
// Stores of a block's outputs from column x: a whole vector, or the first OW - x at the row's end.
#define GN_STORE_ALL(v) (*(floats *)(out + x) = (v))
#define GN_STORE_SOME(v) GN_NAME(store_first)(out + x, v, OW - x)

// The maximum of each pair of neighbouring floats of a then b: of columns 2j and 2j + 1, in that order.
GN_TARGET static inline GN_NAME(floats) GN_NAME(pair_maxima)(GN_NAME(floats) a, GN_NAME(floats) b) {
    return GN_NAME(max_nan_lanes)(GN_NAME(even_lanes)(a, b), GN_NAME(odd_lanes)(a, b));
}

#if GN_LANES >= 8
// 2x2 windows at stride 2 that tile the plane (disjoint_windows): each output the maximum of r0[2x], r0[2x + 1],
// r1[2x], r1[2x + 1] in that order, as the scalar loop has it: each row's pair maxima from two vectors of
// 2·GN_LANES columns, then the two rows'.
GN_TARGET static void GN_NAME(max_pool_2x2)(const float *restrict input, const gn_window *g, float *restrict output) {
    typedef GN_NAME(floats) floats;
    const int W = g->inputWidth, OH = g->outputHeight, OW = g->outputWidth;
#define GN_BLOCK(LOAD, STORE)                                                                                          \
    do {                                                                                                               \
        const int c = 2 * x, d = c + GN_LANES;                                                                         \
        const floats top = GN_NAME(pair_maxima)(LOAD(r0 + c, W - c), LOAD(r0 + d, W - d));                            \
        const floats bottom = GN_NAME(pair_maxima)(LOAD(r1 + c, W - c), LOAD(r1 + d, W - d));                         \
        STORE(GN_NAME(max_nan_lanes)(top, bottom));                                                                    \
    } while (0)
    for (int oy = 0; oy < OH; oy++) {
        const float *r0 = input + (size_t)(2 * oy) * W, *r1 = r0 + W;
        float *out = output + (size_t)oy * OW;
        int x = 0;
        for (; 2 * x + 2 * GN_LANES <= W && x + GN_LANES <= OW; x += GN_LANES) GN_BLOCK(GN_LOAD_ALL, GN_STORE_ALL);
        for (; x < OW; x += GN_LANES) GN_BLOCK(GN_LOAD_SOME, GN_STORE_SOME);
    }
#undef GN_BLOCK
}
#endif

// 3x3 windows at stride 2 without dilation, with padding 0 (SqueezeNet's; with ceil mode the last window of a row or
// column may be cut short by the plane's edge) or 1 on either axis (ResNet's stem pool). In the separable path's
// order: per column the maximum down the window's rows (a row past the plane repeats a row of the window, which
// changes nothing), then across the window's three columns. A block of GN_LANES outputs from column x takes the
// column maxima of columns 2x..2x + 2·GN_LANES - 1 (-infinity past the plane), split into even and odd columns, and
// of the next GN_LANES columns (for the first of them; they are the next block's first vector). With padding 1
// across, the first output's window is columns 0 and 1 (the padding is -infinity, which never wins), taken alone;
// the other windows start at column 2x - 1, so they are the unpadded windows of the plane from column 1.
GN_TARGET static void GN_NAME(max_pool_3x3_stride2)(const float *restrict input, const gn_window *g,
                                                   float *restrict output) {
    typedef GN_NAME(floats) floats;
    const int H = g->inputHeight, IW = g->inputWidth, OH = g->outputHeight, PH = g->paddingHeight;
    const int PW = g->paddingWidth, W = IW - PW, OW = g->outputWidth - PW;
#define GN_COLUMNS(c, LOAD)                                                                                            \
    GN_NAME(max_nan_lanes)(GN_NAME(max_nan_lanes)(LOAD(r0 + (c), W - (c)), LOAD(r1 + (c), W - (c))),                   \
                           LOAD(r2 + (c), W - (c)))
#define GN_BLOCK(LOAD, STORE)                                                                                          \
    do {                                                                                                               \
        const floats second = GN_COLUMNS(2 * x + GN_LANES, LOAD), third = GN_COLUMNS(2 * x + 2 * GN_LANES, LOAD);      \
        const floats even = GN_NAME(even_lanes)(first, second), odd = GN_NAME(odd_lanes)(first, second);               \
        STORE(GN_NAME(max_nan_lanes)(GN_NAME(max_nan_lanes)(even, odd), GN_NAME(next_lanes)(even, third)));            \
        first = third;                                                                                                 \
    } while (0)
    for (int oy = 0; oy < OH; oy++) {
        const int y = 2 * oy - PH, top = y < 0 ? 0 : y, bottom = y + 2 < H ? y + 2 : H - 1;
        float *row = output + (size_t)oy * g->outputWidth;
        if (top > bottom) {
            for (int ox = 0; ox < g->outputWidth; ox++) row[ox] = -__builtin_inff();
            continue;
        }
        const float *p0 = input + (size_t)top * IW, *p1 = top + 1 <= bottom ? p0 + IW : p0;
        const float *p2 = top + 2 <= bottom ? p1 + IW : p1;
        if (PW == 1) {
            float best = GN_MAX_NAN(GN_MAX_NAN(p0[0], p1[0]), p2[0]);
            if (IW > 1) best = GN_MAX_NAN(best, GN_MAX_NAN(GN_MAX_NAN(p0[1], p1[1]), p2[1]));
            row[0] = best;
        }
        if (OW <= 0) continue;
        const float *r0 = p0 + PW, *r1 = p1 + PW, *r2 = p2 + PW;
        float *out = row + PW;
        floats first = GN_COLUMNS(0, GN_LOAD_SOME);
        int x = 0;
        for (; 2 * x + 3 * GN_LANES <= W && x + GN_LANES <= OW; x += GN_LANES) GN_BLOCK(GN_LOAD_ALL, GN_STORE_ALL);
        for (; x < OW; x += GN_LANES) GN_BLOCK(GN_LOAD_SOME, GN_STORE_SOME);
    }
#undef GN_COLUMNS
#undef GN_BLOCK
}

#undef GN_LOAD_ALL
#undef GN_LOAD_SOME
#undef GN_STORE_ALL
#undef GN_STORE_SOME

GN_TARGET static void GN_NAME(maxPoolPlane)(const float *restrict input, const gn_window *g, float *restrict output) {
    const int H = g->inputHeight, W = g->inputWidth, OH = g->outputHeight, OW = g->outputWidth;
    if (GN_NAME(disjoint_windows)(g) && g->kernelHeight == 2 && g->kernelWidth == 2) {
#if GN_LANES >= 8
        GN_NAME(max_pool_2x2)(input, g, output);
#else
        // The portable body's 4-lane vectors gain nothing on the compiler's own vectorisation of this loop.
        for (int oy = 0; oy < OH; oy++) {
            const float *r0 = input + (size_t)(2 * oy) * W, *r1 = r0 + W;
            float *out = output + (size_t)oy * OW;
            for (int ox = 0; ox < OW; ox++) {
                float best = r0[2 * ox];
                best = GN_MAX_NAN(best, r0[2 * ox + 1]);
                best = GN_MAX_NAN(best, r1[2 * ox]);
                out[ox] = GN_MAX_NAN(best, r1[2 * ox + 1]);
            }
        }
#endif
        return;
    }
    // (Rows wider than 4096 take the row-by-row loop at the end, in its order: ties of signed zeros and NaNs of
    // different bits resolve as they always have.)
    if (g->kernelHeight == 3 && g->kernelWidth == 3 && g->strideHeight == 2 && g->strideWidth == 2 &&
        g->paddingHeight <= 1 && g->paddingWidth <= 1 && g->dilationHeight == 1 && g->dilationWidth == 1 &&
        W <= 4096) {
        GN_NAME(max_pool_3x3_stride2)(input, g, output);
        return;
    }
    if (W <= 4096) {
        // Separable: per output row, the maximum down the window's rows (contiguous, so it
        // vectorises), then across the window's columns of that one row.
        // (The column is at most 4096 floats; the output ranges of the kernel columns are kept for up to
        // GN_RANGE_CACHE of them, and computed per row past that, so no stack array grows with the kernel.)
        float column[W];
        const int KW = g->kernelWidth;
        const int cached = KW <= GN_RANGE_CACHE;
        int lo[GN_RANGE_CACHE], hi[GN_RANGE_CACHE];
        for (int kx = 0; cached && kx < KW; kx++) {
            GN_NAME(valid_range)(kx * g->dilationWidth - g->paddingWidth, g->strideWidth, W, OW, &lo[kx], &hi[kx]);
        }
        for (int oy = 0; oy < OH; oy++) {
            for (int x = 0; x < W; x++) column[x] = -__builtin_inff();
            for (int ky = 0; ky < g->kernelHeight; ky++) {
                const int iy = oy * g->strideHeight - g->paddingHeight + ky * g->dilationHeight;
                if (iy < 0 || iy >= H) continue;
                const float *row = input + (size_t)iy * W;
                for (int x = 0; x < W; x++) column[x] = GN_MAX_NAN(column[x], row[x]);
            }
            float *out = output + (size_t)oy * OW;
            for (int ox = 0; ox < OW; ox++) out[ox] = -__builtin_inff();
            for (int kx = 0; kx < KW; kx++) {
                const int xOffset = kx * g->dilationWidth - g->paddingWidth;
                int first, last;
                if (cached) {
                    first = lo[kx], last = hi[kx];
                } else {
                    GN_NAME(valid_range)(xOffset, g->strideWidth, W, OW, &first, &last);
                }
                GN_NAME(max_across)(out, column, xOffset, first, last, g->strideWidth);
            }
        }
        return;
    }
    for (int oy = 0; oy < OH; oy++) {
        float *out = output + (size_t)oy * OW;
        for (int ox = 0; ox < OW; ox++) out[ox] = -__builtin_inff();
        for (int ky = 0; ky < g->kernelHeight; ky++) {
            int iy = oy * g->strideHeight - g->paddingHeight + ky * g->dilationHeight;
            if (iy < 0 || iy >= H) continue;
            const float *row = input + (size_t)iy * W;
            for (int kx = 0; kx < g->kernelWidth; kx++) {
                int xOffset = kx * g->dilationWidth - g->paddingWidth;
                int lo, hi;
                GN_NAME(valid_range)(xOffset, g->strideWidth, W, OW, &lo, &hi);
                GN_NAME(max_across)(out, row, xOffset, lo, hi, g->strideWidth);
            }
        }
    }
}

GN_TARGET static void GN_NAME(averagePoolPlane)(const float *input, const gn_window *g,
                                                int countPadding, float *output) {
    const int H = g->inputHeight, W = g->inputWidth, OH = g->outputHeight, OW = g->outputWidth;
    for (int oy = 0; oy < OH; oy++) {
        float *out = output + (size_t)oy * OW;
        int y0 = oy * g->strideHeight - g->paddingHeight;
        int rows = 0, paddedRows = 0;
        for (int ox = 0; ox < OW; ox++) out[ox] = 0;
        for (int ky = 0; ky < g->kernelHeight; ky++) {
            int iy = y0 + ky * g->dilationHeight;
            if (iy >= -g->paddingHeight && iy < H + g->paddingHeight) paddedRows++;
            if (iy < 0 || iy >= H) continue;
            rows++;
            const float *row = input + (size_t)iy * W;
            for (int kx = 0; kx < g->kernelWidth; kx++) {
                int xOffset = kx * g->dilationWidth - g->paddingWidth;
                int lo, hi;
                GN_NAME(valid_range)(xOffset, g->strideWidth, W, OW, &lo, &hi);
                const float *in = row + xOffset;
                const int s = g->strideWidth;
                for (int ox = lo; ox < hi; ox++) out[ox] += in[ox * s];
            }
        }
        for (int ox = 0; ox < OW; ox++) {
            const long long divisor = GN_NAME(average_divisor)(g, ox, rows, paddedRows, countPadding);
            out[ox] = divisor > 0 ? out[ox] / (float)divisor : 0;
        }
    }
}
