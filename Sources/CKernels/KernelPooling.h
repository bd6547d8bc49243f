// Pooling over one channel: max pooling (a NaN wins, as in PyTorch; a separable path for overlapping windows) and
// average pooling (with or without the padded cells in the divisor).
// Part of KernelBody.h: included once per instruction set, with GN_TARGET, GN_NAME(x) and GN_LANES defined.

// out[ox] = max(out[ox], in[ox * s]) for ox in [lo, hi), NaN winning; constant strides for the
// common cases, so the compiler vectorises the loads.
GN_TARGET static inline void GN_NAME(max_across)(float *restrict out, const float *restrict in, int lo, int hi,
                                                 int s) {
    if (s == 1) {
        for (int ox = lo; ox < hi; ox++) out[ox] = GN_MAX_NAN(out[ox], in[ox]);
    } else if (s == 2) {
        for (int ox = lo; ox < hi; ox++) out[ox] = GN_MAX_NAN(out[ox], in[2 * ox]);
    } else {
        for (int ox = lo; ox < hi; ox++) out[ox] = GN_MAX_NAN(out[ox], in[ox * s]);
    }
}

GN_TARGET static void GN_NAME(maxPoolPlane)(const float *restrict input, const gn_window *g, float *restrict output) {
    const int H = g->inputHeight, W = g->inputWidth, OH = g->outputHeight, OW = g->outputWidth;
    if (GN_NAME(disjoint_windows)(g) && g->kernelHeight == 2 && g->kernelWidth == 2) {
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
        return;
    }
    if (W <= 4096) {
        // Separable: per output row, the maximum down the window's rows (contiguous, so it
        // vectorises), then across the window's columns of that one row.
        float column[W];
        const int KW = g->kernelWidth;
        int lo[KW], hi[KW];
        for (int kx = 0; kx < KW; kx++) {
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
                GN_NAME(max_across)(out, column + kx * g->dilationWidth - g->paddingWidth, lo[kx], hi[kx],
                                    g->strideWidth);
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
                GN_NAME(max_across)(out, row + xOffset, lo, hi, g->strideWidth);
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
            int x0 = ox * g->strideWidth - g->paddingWidth;
            int columns = 0, paddedColumns = 0;
            for (int kx = 0; kx < g->kernelWidth; kx++) {
                int ix = x0 + kx * g->dilationWidth;
                if (ix >= -g->paddingWidth && ix < W + g->paddingWidth) paddedColumns++;
                if (ix >= 0 && ix < W) columns++;
            }
            int divisor = countPadding ? paddedRows * paddedColumns : rows * columns;
            out[ox] = divisor > 0 ? out[ox] / (float)divisor : 0;
        }
    }
}
