// Sliding-window helpers shared by the convolution, pooling and training bodies: the output range whose taps
// fall inside the plane, a zero-bordered copy of a plane, the test for pooling windows that tile the plane, and
// the NaN-winning maximum of max pooling.
// Part of KernelBody.h: included once per instruction set, with GN_TARGET, GN_NAME(x) and GN_LANES defined.

// Entries of the per-kernel-row and per-kernel-column tables that im2col and max pooling keep on the stack (fixed
// arrays, so a wide kernel cannot overflow a worker's stack); larger kernels compute the entries as they go.
#ifndef GN_RANGE_CACHE
#define GN_RANGE_CACHE 64
#endif

// Every int sum below stays under 2^31: WindowGeometry keeps each padded extent and stride at most 2^30.
static inline int GN_NAME(ceil_div)(int a, int b) { return a >= 0 ? (a + b - 1) / b : -((-a) / b); }

// The output columns [lo, hi) whose input column ox*stride - pad + offset lies inside [0, width).
GN_TARGET static void GN_NAME(valid_range)(int offset, int stride, int width, int outWidth,
                                           int *lo, int *hi) {
    int first = GN_NAME(ceil_div)(-offset, stride);
    int last = GN_NAME(ceil_div)(width - offset, stride);
    *lo = first < 0 ? 0 : (first > outWidth ? outWidth : first);
    *hi = last < *lo ? *lo : (last > outWidth ? outWidth : last);
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

// Whether the windows tile the plane without overlap or padding (stride = kernel, no padding,
// no dilation, every window inside): the common 2x2/2 pooling, which takes a fast path.
static inline int GN_NAME(disjoint_windows)(const gn_window *g) {
    return g->strideHeight == g->kernelHeight && g->strideWidth == g->kernelWidth && g->paddingHeight == 0 &&
           g->paddingWidth == 0 && g->dilationHeight == 1 && g->dilationWidth == 1 &&
           (long long)g->outputHeight * g->kernelHeight <= g->inputHeight &&
           (long long)g->outputWidth * g->kernelWidth <= g->inputWidth;
}

// The larger of the running maximum and v, where a NaN wins (PyTorch's max pooling).
#define GN_MAX_NAN(best, v) (((v) > (best) || (v) != (v)) ? (v) : (best))

// The divisor of an average-pooling window at output column ox whose rows hold `rows` cells of
// the plane and `paddedRows` of the padded plane: the window's cells inside the padded plane
// with countPadding (PyTorch's count_include_pad=True), else inside the plane. A long long: a window may hold more
// than 2^31 cells.
static inline long long GN_NAME(average_divisor)(const gn_window *g, int ox, int rows, int paddedRows,
                                                 int countPadding) {
    const int W = g->inputWidth, x0 = ox * g->strideWidth - g->paddingWidth;
    int columns = 0, paddedColumns = 0;
    for (int kx = 0; kx < g->kernelWidth; kx++) {
        const int ix = x0 + kx * g->dilationWidth;
        if (ix >= -g->paddingWidth && ix < W + g->paddingWidth) paddedColumns++;
        if (ix >= 0 && ix < W) columns++;
    }
    return countPadding ? (long long)paddedRows * paddedColumns : (long long)rows * columns;
}
