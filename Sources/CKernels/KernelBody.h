// The kernel bodies (no include guard: meant to be included once per instruction set), included by Kernels.c with
// GN_TARGET (a function attribute), GN_NAME(x) (a suffixed name) and GN_LANES (floats per vector) defined.
// Every inner loop runs along contiguous W so the compiler can vectorise it.

static inline int GN_NAME(ceil_div)(int a, int b) { return a >= 0 ? (a + b - 1) / b : -((-a) / b); }

// The output columns [lo, hi) whose input column ox*stride - pad + offset lies inside [0, width).
GN_TARGET static void GN_NAME(valid_range)(int offset, int stride, int width, int outWidth,
                                           int *lo, int *hi) {
    int first = GN_NAME(ceil_div)(-offset, stride);
    int last = GN_NAME(ceil_div)(width - offset, stride);
    *lo = first < 0 ? 0 : (first > outWidth ? outWidth : first);
    *hi = last < *lo ? *lo : (last > outWidth ? outWidth : last);
}

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
    // than the copies).
    const int KH = g->kernelHeight, KW = g->kernelWidth;
    int rowLo[KH], rowHi[KH], columnLo[KW], columnHi[KW];
    for (int ky = 0; ky < KH; ky++) {
        GN_NAME(valid_range)(ky * g->dilationHeight - g->paddingHeight + rowBegin * sh, sh, H, OH, &rowLo[ky],
                             &rowHi[ky]);
    }
    for (int kx = 0; kx < KW; kx++) {
        GN_NAME(valid_range)(kx * g->dilationWidth - g->paddingWidth, sw, W, OW, &columnLo[kx], &columnHi[kx]);
    }
    for (int c = 0; c < channels; c++) {
        const float *plane = input + (size_t)c * H * W;
        for (int ky = 0; ky < KH; ky++) {
            const int yOffset = ky * g->dilationHeight - g->paddingHeight;
            const int yLo = rowLo[ky], yHi = rowHi[ky];
            for (int kx = 0; kx < KW; kx++) {
                float *row = columns + ((size_t)(c * KH + ky) * KW + kx) * ld;
                const int xOffset = kx * g->dilationWidth - g->paddingWidth;
                const int lo = columnLo[kx], hi = columnHi[kx];
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
                    ((size_t)(c * g->kernelHeight + ky) * g->kernelWidth + kx) * OH * OW;
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

// Copies one [H, W] plane into a zero-bordered (H + 2·padH) x (W + 2·padW) workspace.
__attribute__((no_builtin("memcpy", "memmove", "memset")))
GN_TARGET static void GN_NAME(pad_plane)(const float *input, const gn_window *g, float *workspace) {
    const int H = g->inputHeight, W = g->inputWidth;
    const int PW = W + 2 * g->paddingWidth, PH = H + 2 * g->paddingHeight;
    for (int y = 0; y < PH; y++) {
        float *dst = workspace + (size_t)y * PW;
        int iy = y - g->paddingHeight;
        if (iy < 0 || iy >= H) {
            for (int x = 0; x < PW; x++) dst[x] = 0;
            continue;
        }
        for (int x = 0; x < g->paddingWidth; x++) dst[x] = 0;
        const float *src = input + (size_t)iy * W;
        for (int x = 0; x < W; x++) dst[g->paddingWidth + x] = src[x];
        for (int x = g->paddingWidth + W; x < PW; x++) dst[x] = 0;
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

__attribute__((no_builtin("memcpy", "memmove", "memset")))
GN_TARGET static void GN_NAME(depthwisePlane)(const float *input, const float *kernel, float bias,
                                              const gn_window *g, float *workspace, float *output) {
    const int W = g->inputWidth, OH = g->outputHeight, OW = g->outputWidth;
    const int KH = g->kernelHeight, KW = g->kernelWidth;
    const int sh = g->strideHeight, sw = g->strideWidth, dh = g->dilationHeight, dw = g->dilationWidth;
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
    const int dense3x3 = KH == 3 && KW == 3 && dh == 1 && dw == 1;
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
                    const float w = kernel[ky * KW + kx];
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
                const float w = kernel[ky * KW + kx];
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

// Whether the windows tile the plane without overlap or padding (stride = kernel, no padding,
// no dilation, every window inside): the common 2x2/2 pooling, which takes a fast path.
static inline int GN_NAME(disjoint_windows)(const gn_window *g) {
    return g->strideHeight == g->kernelHeight && g->strideWidth == g->kernelWidth && g->paddingHeight == 0 &&
           g->paddingWidth == 0 && g->dilationHeight == 1 && g->dilationWidth == 1 &&
           g->outputHeight * g->kernelHeight <= g->inputHeight && g->outputWidth * g->kernelWidth <= g->inputWidth;
}

// The larger of the running maximum and v, where a NaN wins (PyTorch's max pooling).
#define GN_MAX_NAN(best, v) (((v) > (best) || (v) != (v)) ? (v) : (best))

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

GN_TARGET static float GN_NAME(sum)(const float *values, size_t count) {
    float lanes[16] = {0};
    size_t i = 0;
    for (; i + 16 <= count; i += 16)
        for (int l = 0; l < 16; l++) lanes[l] += values[i + l];
    float total = 0;
    for (int l = 0; l < 16; l++) total += lanes[l];
    for (; i < count; i++) total += values[i];
    return total;
}

GN_TARGET static void GN_NAME(affineClamp)(float *values, size_t count, float scale, float shift,
                                           float lower, float upper) {
    for (size_t i = 0; i < count; i++) {
        float v = values[i] * scale + shift;
        v = v < lower ? lower : v;
        values[i] = v > upper ? upper : v;
    }
}

GN_TARGET static void GN_NAME(depthwisePlaneBackwardInput)(const float *outputGradient, const float *kernel,
                                                           const gn_window *g, float *workspace,
                                                           float *inputGradient) {
    const int H = g->inputHeight, W = g->inputWidth, OH = g->outputHeight, OW = g->outputWidth;
    const int KH = g->kernelHeight, KW = g->kernelWidth;
    const int sh = g->strideHeight, sw = g->strideWidth, dh = g->dilationHeight, dw = g->dilationWidth;
    const int padded = g->paddingHeight != 0 || g->paddingWidth != 0;
    const int PW = W + 2 * g->paddingWidth, PH = H + 2 * g->paddingHeight;
    float *target = padded ? workspace : inputGradient;
    const int stride = padded ? PW : W;
    for (size_t i = 0; i < (size_t)PH * PW; i++) target[i] = 0;
    for (int oy = 0; oy < OH; oy++) {
        const float *dy = outputGradient + (size_t)oy * OW;
        for (int ky = 0; ky < KH; ky++) {
            float *row = target + (size_t)(oy * sh + ky * dh) * stride;
            for (int kx = 0; kx < KW; kx++) {
                const float w = kernel[ky * KW + kx];
                float *dst = row + kx * dw;
                if (sw == 1) {
                    for (int ox = 0; ox < OW; ox++) dst[ox] += w * dy[ox];
                } else {
                    for (int ox = 0; ox < OW; ox++) dst[ox * sw] += w * dy[ox];
                }
            }
        }
    }
    if (padded) {
        for (int y = 0; y < H; y++) {
            const float *src = workspace + (size_t)(y + g->paddingHeight) * PW + g->paddingWidth;
            float *dst = inputGradient + (size_t)y * W;
            for (int x = 0; x < W; x++) dst[x] = src[x];
        }
    }
}

GN_TARGET static void GN_NAME(depthwisePlaneBackwardWeight)(const float *input, const float *outputGradient,
                                                            const gn_window *g, float *workspace,
                                                            float *kernelGradient) {
    const int OH = g->outputHeight, OW = g->outputWidth, KH = g->kernelHeight, KW = g->kernelWidth;
    const int sh = g->strideHeight, sw = g->strideWidth, dh = g->dilationHeight, dw = g->dilationWidth;
    const float *source = input;
    int stride = g->inputWidth;
    if (g->paddingHeight != 0 || g->paddingWidth != 0) {
        GN_NAME(pad_plane)(input, g, workspace);
        source = workspace;
        stride = g->inputWidth + 2 * g->paddingWidth;
    }
    for (int ky = 0; ky < KH; ky++) {
        for (int kx = 0; kx < KW; kx++) {
            float lanes[8] = {0};
            float tail = 0;
            for (int oy = 0; oy < OH; oy++) {
                const float *dy = outputGradient + (size_t)oy * OW;
                const float *in = source + (size_t)(oy * sh + ky * dh) * stride + kx * dw;
                int ox = 0;
                if (sw == 1) {
                    for (; ox + 8 <= OW; ox += 8)
                        for (int l = 0; l < 8; l++) lanes[l] += dy[ox + l] * in[ox + l];
                }
                for (; ox < OW; ox++) tail += dy[ox] * in[ox * sw];
            }
            float total = tail;
            for (int l = 0; l < 8; l++) total += lanes[l];
            kernelGradient[ky * KW + kx] += total;
        }
    }
}

GN_TARGET static void GN_NAME(maxPoolPlaneBackward)(const float *restrict input, const float *restrict outputGradient,
                                                    const gn_window *g, int positiveOnly,
                                                    float *restrict inputGradient) {
    const int H = g->inputHeight, W = g->inputWidth, OH = g->outputHeight, OW = g->outputWidth;
    if (GN_NAME(disjoint_windows)(g) && g->kernelHeight == 2 && g->kernelWidth == 2) {
        // Each window's four cells get the gradient at the winner and 0 elsewhere; branch-free and
        // 8 wide, so a LeNet row of 14 outputs still runs a vector iteration. Cells no window
        // covers (an odd last row or column) get 0.
        for (int oy = 0; oy < OH; oy++) {
            const float *r0 = input + (size_t)(2 * oy) * W, *r1 = r0 + W;
            float *d0 = inputGradient + (size_t)(2 * oy) * W, *d1 = d0 + W;
            const float *dy = outputGradient + (size_t)oy * OW;
            _Pragma("clang loop vectorize(enable) vectorize_width(8)")
            for (int ox = 0; ox < OW; ox++) {
                const float a = r0[2 * ox], b = r0[2 * ox + 1], c = r1[2 * ox], d = r1[2 * ox + 1];
                const int takesB = b > a || b != b;
                const float ab = takesB ? b : a;
                const int takesC = c > ab || c != c;
                const float abc = takesC ? c : ab;
                const int takesD = d > abc || d != d;
                const float winner = takesD ? d : abc;
                const float gradient = positiveOnly && !(winner > 0) ? 0 : dy[ox];
                d1[2 * ox + 1] = takesD ? gradient : 0;
                d1[2 * ox] = !takesD && takesC ? gradient : 0;
                d0[2 * ox + 1] = !takesD && !takesC && takesB ? gradient : 0;
                d0[2 * ox] = !takesD && !takesC && !takesB ? gradient : 0;
            }
            for (int x = 2 * OW; x < W; x++) d0[x] = d1[x] = 0;
        }
        for (size_t i = (size_t)(2 * OH) * W; i < (size_t)H * W; i++) inputGradient[i] = 0;
        return;
    }
    for (size_t i = 0; i < (size_t)H * W; i++) inputGradient[i] = 0;
    for (int oy = 0; oy < OH; oy++) {
        const int y0 = oy * g->strideHeight - g->paddingHeight;
        for (int ox = 0; ox < OW; ox++) {
            const int x0 = ox * g->strideWidth - g->paddingWidth;
            int best = -1;
            float value = 0;
            for (int ky = 0; ky < g->kernelHeight; ky++) {
                int iy = y0 + ky * g->dilationHeight;
                if (iy < 0 || iy >= H) continue;
                for (int kx = 0; kx < g->kernelWidth; kx++) {
                    int ix = x0 + kx * g->dilationWidth;
                    if (ix < 0 || ix >= W) continue;
                    float v = input[(size_t)iy * W + ix];
                    if (best < 0 || v > value || v != v) {
                        best = iy * W + ix;
                        value = v;
                    }
                }
            }
            if (best >= 0 && (!positiveOnly || value > 0)) inputGradient[best] += outputGradient[(size_t)oy * OW + ox];
        }
    }
}

GN_TARGET static void GN_NAME(averagePoolPlaneBackward)(const float *restrict outputGradient, const gn_window *g,
                                                        int countPadding, float *restrict inputGradient) {
    const int H = g->inputHeight, W = g->inputWidth, OH = g->outputHeight, OW = g->outputWidth;
    for (size_t i = 0; i < (size_t)H * W; i++) inputGradient[i] = 0;
    for (int oy = 0; oy < OH; oy++) {
        const int y0 = oy * g->strideHeight - g->paddingHeight;
        int rows = 0, paddedRows = 0;
        for (int ky = 0; ky < g->kernelHeight; ky++) {
            int iy = y0 + ky * g->dilationHeight;
            if (iy >= -g->paddingHeight && iy < H + g->paddingHeight) paddedRows++;
            if (iy >= 0 && iy < H) rows++;
        }
        for (int ox = 0; ox < OW; ox++) {
            const int x0 = ox * g->strideWidth - g->paddingWidth;
            int columns = 0, paddedColumns = 0;
            for (int kx = 0; kx < g->kernelWidth; kx++) {
                int ix = x0 + kx * g->dilationWidth;
                if (ix >= -g->paddingWidth && ix < W + g->paddingWidth) paddedColumns++;
                if (ix >= 0 && ix < W) columns++;
            }
            int divisor = countPadding ? paddedRows * paddedColumns : rows * columns;
            if (divisor <= 0) continue;
            const float share = outputGradient[(size_t)oy * OW + ox] / (float)divisor;
            for (int ky = 0; ky < g->kernelHeight; ky++) {
                int iy = y0 + ky * g->dilationHeight;
                if (iy < 0 || iy >= H) continue;
                float *row = inputGradient + (size_t)iy * W;
                for (int kx = 0; kx < g->kernelWidth; kx++) {
                    int ix = x0 + kx * g->dilationWidth;
                    if (ix >= 0 && ix < W) row[ix] += share;
                }
            }
        }
    }
}

GN_TARGET static void GN_NAME(clampBackward)(const float *output, const float *outputGradient, size_t count,
                                             float lower, float upper, float *inputGradient) {
    for (size_t i = 0; i < count; i++) {
        float y = output[i];
        inputGradient[i] = (y > lower && y < upper) ? outputGradient[i] : 0;
    }
}

GN_TARGET static void GN_NAME(clampCopy)(const float *restrict input, size_t count, float lower, float upper,
                                         float *restrict output) {
    for (size_t i = 0; i < count; i++) {
        float v = input[i] < lower ? lower : input[i];
        output[i] = v > upper ? upper : v;
    }
}

GN_TARGET static void GN_NAME(adamUpdate)(float *restrict value, const float *restrict gradient, float *restrict mean,
                                          float *restrict squares, size_t count, float beta1, float beta2,
                                          float stepSize, float correction, float epsilon, float l2, float shrink) {
    for (size_t i = 0; i < count; i++) {
        const float g = gradient[i] + l2 * value[i];
        const float m = beta1 * mean[i] + (1 - beta1) * g;
        const float v = beta2 * squares[i] + (1 - beta2) * g * g;
        mean[i] = m;
        squares[i] = v;
        value[i] = value[i] * shrink - stepSize * m / (__builtin_elementwise_sqrt(v) * correction + epsilon);
    }
}

GN_TARGET static void GN_NAME(sgdUpdate)(float *restrict value, const float *restrict gradient,
                                         float *restrict velocity, size_t count, float rate, float momentum,
                                         float decay, int nesterov) {
    if (!velocity) {
        for (size_t i = 0; i < count; i++) value[i] -= rate * (gradient[i] + decay * value[i]);
        return;
    }
    for (size_t i = 0; i < count; i++) {
        const float g = gradient[i] + decay * value[i];
        const float v = momentum * velocity[i] + g;
        velocity[i] = v;
        value[i] -= rate * (nesterov ? g + momentum * v : v);
    }
}

// c[o*ldc + p] = sum over t of a[o*k + t] * rows[p*k + t], for o < m and p < n: a row-major
// [m, k] matrix times the transpose of rows [n, k], for a thin n (a deep conv's few output
// positions). Register tiles of 4 rows x 4 columns, 16 vector accumulators of GN_LANES
// partial sums (8 loads per 16 vector FMAs, no reassociation of float adds across lanes);
// each row of a streams from memory once and is re-read from cache for the next 4 columns.
// Tails reuse the last row or column (computed, not stored).
GN_TARGET static void GN_NAME(thinProduct)(const float *restrict a, int m, int k, const float *restrict rows, int n,
                                           float *restrict c, int ldc) {
    typedef float vector __attribute__((ext_vector_type(GN_LANES), aligned(4)));
    const int body = k - k % GN_LANES;
    for (int o0 = 0; o0 < m; o0 += 4) {
        const float *ar[4];
        for (int r = 0; r < 4; r++) ar[r] = a + (size_t)(o0 + r < m ? o0 + r : m - 1) * k;
        for (int p0 = 0; p0 < n; p0 += 4) {
            const float *b[4];
            for (int p = 0; p < 4; p++) b[p] = rows + (size_t)(p0 + p < n ? p0 + p : n - 1) * k;
            vector s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
            vector s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
            for (int t = 0; t < body; t += GN_LANES) {
                const vector x0 = *(const vector *)(ar[0] + t), x1 = *(const vector *)(ar[1] + t);
                const vector x2 = *(const vector *)(ar[2] + t), x3 = *(const vector *)(ar[3] + t);
                vector y = *(const vector *)(b[0] + t);
                s00 += x0 * y, s10 += x1 * y, s20 += x2 * y, s30 += x3 * y;
                y = *(const vector *)(b[1] + t);
                s01 += x0 * y, s11 += x1 * y, s21 += x2 * y, s31 += x3 * y;
                y = *(const vector *)(b[2] + t);
                s02 += x0 * y, s12 += x1 * y, s22 += x2 * y, s32 += x3 * y;
                y = *(const vector *)(b[3] + t);
                s03 += x0 * y, s13 += x1 * y, s23 += x2 * y, s33 += x3 * y;
            }
            const vector tile[4][4] = {
                {s00, s01, s02, s03}, {s10, s11, s12, s13}, {s20, s21, s22, s23}, {s30, s31, s32, s33}};
            for (int r = 0; r < 4 && o0 + r < m; r++) {
                for (int p = 0; p < 4 && p0 + p < n; p++) {
                    float sum = 0;
                    for (int j = 0; j < GN_LANES; j++) sum += tile[r][p][j];
                    for (int t = body; t < k; t++) sum += ar[r][t] * b[p][t];
                    c[(size_t)(o0 + r) * ldc + p0 + p] = sum;
                }
            }
        }
    }
}

#include "KernelWinograd.h"

static const gn_kernel_table GN_NAME(table) = {
    GN_NAME(im2col),
    GN_NAME(col2im),
    GN_NAME(depthwisePlane),
    GN_NAME(maxPoolPlane),
    GN_NAME(averagePoolPlane),
    GN_NAME(sum),
    GN_NAME(affineClamp),
    GN_NAME(depthwisePlaneBackwardInput),
    GN_NAME(depthwisePlaneBackwardWeight),
    GN_NAME(maxPoolPlaneBackward),
    GN_NAME(averagePoolPlaneBackward),
    GN_NAME(clampBackward),
    GN_NAME(clampCopy),
    GN_NAME(adamUpdate),
    GN_NAME(sgdUpdate),
    GN_NAME(thinProduct),
    GN_NAME(winogradInput4x4),
    GN_NAME(winogradOutput4x4),
};
