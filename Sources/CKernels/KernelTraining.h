// Training kernels: the backward passes of the depthwise convolution, the pooling and the clamp, and the Adam and
// SGD updates of a parameter in place.
// Part of KernelBody.h: included once per instruction set, with GN_TARGET, GN_NAME(x) and GN_LANES defined.

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
                const float w = kernel[(size_t)ky * KW + kx];
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
            kernelGradient[(size_t)ky * KW + kx] += total;
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
            // The winner's offset in the plane, which may hold more than 2^31 cells.
            ptrdiff_t best = -1;
            float value = 0;
            for (int ky = 0; ky < g->kernelHeight; ky++) {
                int iy = y0 + ky * g->dilationHeight;
                if (iy < 0 || iy >= H) continue;
                for (int kx = 0; kx < g->kernelWidth; kx++) {
                    int ix = x0 + kx * g->dilationWidth;
                    if (ix < 0 || ix >= W) continue;
                    float v = input[(size_t)iy * W + ix];
                    if (best < 0 || v > value || v != v) {
                        best = (ptrdiff_t)iy * W + ix;
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
            const long long divisor = GN_NAME(average_divisor)(g, ox, rows, paddedRows, countPadding);
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
