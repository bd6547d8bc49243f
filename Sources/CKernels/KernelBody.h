// The kernel bodies (no include guard: meant to be included once per instruction set), included by Kernels.c with
// GN_TARGET (a function attribute) and GN_NAME(x) (a suffixed name) defined.
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

GN_TARGET static void GN_NAME(im2col)(const float *input, int channels, const gn_window *g, int rowBegin,
                                      int rowEnd, float *columns) {
    const int H = g->inputHeight, W = g->inputWidth, OH = rowEnd - rowBegin, OW = g->outputWidth;
    for (int c = 0; c < channels; c++) {
        const float *plane = input + (size_t)c * H * W;
        for (int ky = 0; ky < g->kernelHeight; ky++) {
            for (int kx = 0; kx < g->kernelWidth; kx++) {
                float *row = columns +
                    ((size_t)(c * g->kernelHeight + ky) * g->kernelWidth + kx) * OH * OW;
                int xOffset = kx * g->dilationWidth - g->paddingWidth;
                int lo, hi;
                GN_NAME(valid_range)(xOffset, g->strideWidth, W, OW, &lo, &hi);
                for (int oy = 0; oy < OH; oy++) {
                    float *out = row + (size_t)oy * OW;
                    int iy = (oy + rowBegin) * g->strideHeight - g->paddingHeight + ky * g->dilationHeight;
                    if (iy < 0 || iy >= H) {
                        for (int ox = 0; ox < OW; ox++) out[ox] = 0;
                        continue;
                    }
                    const float *in = plane + (size_t)iy * W + xOffset;
                    for (int ox = 0; ox < lo; ox++) out[ox] = 0;
                    if (g->strideWidth == 1) {
                        for (int ox = lo; ox < hi; ox++) out[ox] = in[ox];
                    } else {
                        const int s = g->strideWidth;
                        for (int ox = lo; ox < hi; ox++) out[ox] = in[ox * s];
                    }
                    for (int ox = hi; ox < OW; ox++) out[ox] = 0;
                }
            }
        }
    }
}

GN_TARGET static void GN_NAME(col2im)(const float *columns, int channels, const gn_window *g,
                                      float *input) {
    const int H = g->inputHeight, W = g->inputWidth, OH = g->outputHeight, OW = g->outputWidth;
    for (int c = 0; c < channels; c++) {
        float *plane = input + (size_t)c * H * W;
        for (int ky = 0; ky < g->kernelHeight; ky++) {
            for (int kx = 0; kx < g->kernelWidth; kx++) {
                const float *row = columns +
                    ((size_t)(c * g->kernelHeight + ky) * g->kernelWidth + kx) * OH * OW;
                int xOffset = kx * g->dilationWidth - g->paddingWidth;
                int lo, hi;
                GN_NAME(valid_range)(xOffset, g->strideWidth, W, OW, &lo, &hi);
                for (int oy = 0; oy < OH; oy++) {
                    int iy = oy * g->strideHeight - g->paddingHeight + ky * g->dilationHeight;
                    if (iy < 0 || iy >= H) continue;
                    const float *src = row + (size_t)oy * OW;
                    float *dst = plane + (size_t)iy * W + xOffset;
                    if (g->strideWidth == 1) {
                        for (int ox = lo; ox < hi; ox++) dst[ox] += src[ox];
                    } else {
                        const int s = g->strideWidth;
                        for (int ox = lo; ox < hi; ox++) dst[ox * s] += src[ox];
                    }
                }
            }
        }
    }
}

// Copies one [H, W] plane into a zero-bordered (H + 2·padH) x (W + 2·padW) workspace.
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

GN_TARGET static void GN_NAME(depthwisePlane)(const float *input, const float *kernel, float bias,
                                              const gn_window *g, float *workspace, float *output) {
    const int W = g->inputWidth, OH = g->outputHeight, OW = g->outputWidth;
    const int KH = g->kernelHeight, KW = g->kernelWidth;
    const int sh = g->strideHeight, sw = g->strideWidth, dh = g->dilationHeight, dw = g->dilationWidth;
    const float *source = input;
    int stride = W;
    if (g->paddingHeight != 0 || g->paddingWidth != 0) {
        GN_NAME(pad_plane)(input, g, workspace);
        source = workspace;
        stride = W + 2 * g->paddingWidth;
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

GN_TARGET static void GN_NAME(maxPoolPlane)(const float *input, const gn_window *g, float *output) {
    const int H = g->inputHeight, W = g->inputWidth, OH = g->outputHeight, OW = g->outputWidth;
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
                const float *in = row + xOffset;
                const int s = g->strideWidth;
                for (int ox = lo; ox < hi; ox++) {
                    float v = in[ox * s];
                    out[ox] = (v > out[ox] || v != v) ? v : out[ox];
                }
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

GN_TARGET static void GN_NAME(maxPoolPlaneBackward)(const float *input, const float *outputGradient,
                                                    const gn_window *g, float *inputGradient) {
    const int H = g->inputHeight, W = g->inputWidth, OH = g->outputHeight, OW = g->outputWidth;
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
            if (best >= 0) inputGradient[best] += outputGradient[(size_t)oy * OW + ox];
        }
    }
}

GN_TARGET static void GN_NAME(averagePoolPlaneBackward)(const float *outputGradient, const gn_window *g,
                                                        int countPadding, float *inputGradient) {
    const int H = g->inputHeight, W = g->inputWidth, OH = g->outputHeight, OW = g->outputWidth;
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
};
