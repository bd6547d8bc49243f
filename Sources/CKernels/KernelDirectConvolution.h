// The direct convolution of an input with few channels (a network's first conv, on 1 or 3 channels), where im2col
// would write a tall, shallow column matrix (27 rows for a 3x3 conv of RGB) and the GEMM would run its tiles over a
// depth too short to amortise loading and storing them. Here each tile of GN_DIRECT_BLOCK output channels by up to
// three vectors of one output row keeps its sums in registers across every input channel and tap: per tap, one load
// of the input per vector and one broadcast weight per channel. The band's input rows are first copied with their
// padding and, for a stride s > 1, split into s phases (columns r, r + s, r + 2s, ... of the padded row), so that
// every tap reads a contiguous run of the copy. MobileNet's first conv (3 -> 32, 3x3, stride 2, 224x224), AVX-512,
// one thread: 0.111 ms against 0.137 by im2col and the packed GEMM; VGG's (3 -> 64, stride 1) 0.759 against 1.054.
// Part of KernelBody.h: included once per instruction set, with GN_TARGET, GN_NAME(x) and GN_LANES defined, after
// KernelVector.h.

// Vectors of one output row per tile: 3 with AVX-512's 32 registers (24 sums), 1 elsewhere (8 sums in 16).
#if GN_LANES == 16
#define GN_DIRECT_NV 3
#else
#define GN_DIRECT_NV 1
#endif

// One tile: output channels [firstChannel, +GN_DIRECT_BLOCK) (those below outputChannels stored) by nv vectors of
// an output row from column ox0 (count columns stored), its sums across the taps: tap t reads the copy at
// offsets[t] (its channel, row and phase) past the row's first band row.
GN_TARGET static inline __attribute__((always_inline)) void
GN_NAME(directTile)(const int nv, const float *restrict copy, const int *restrict offsets, int taps,
                    const float *restrict weights, int ox0, int count, int firstChannel, int outputChannels,
                    const float *restrict shift, float lower, float upper, float *restrict output,
                    size_t planeStride) {
    typedef GN_NAME(floats) floats;
    floats acc[GN_DIRECT_BLOCK][GN_DIRECT_NV];
#pragma unroll
    for (int j = 0; j < GN_DIRECT_BLOCK; j++)
#pragma unroll
        for (int v = 0; v < nv; v++) acc[j][v] = (floats)0;
    for (int t = 0; t < taps; t++) {
        const float *restrict in = copy + offsets[t] + ox0;
        floats x[GN_DIRECT_NV];
#pragma unroll
        for (int v = 0; v < nv; v++) x[v] = *(const floats *)(in + v * GN_LANES);
#pragma unroll
        for (int j = 0; j < GN_DIRECT_BLOCK; j++) {
            const floats w = (floats)weights[t * GN_DIRECT_BLOCK + j];
#pragma unroll
            for (int v = 0; v < nv; v++) acc[j][v] += w * x[v];
        }
    }
    // Unrolled, so the sums stay in registers: a loop over the channels present would spill them.
    const floats lo = (floats)lower, hi = (floats)upper;
    const int channels = outputChannels - firstChannel;
#pragma unroll
    for (int j = 0; j < GN_DIRECT_BLOCK; j++) {
        if (j >= channels) break;
        const floats offset = (floats)(shift ? shift[firstChannel + j] : 0.0f);
        float *restrict out = output + (size_t)(firstChannel + j) * planeStride + ox0;
#pragma unroll
        for (int v = 0; v < nv; v++) {
            const floats value = GN_NAME(clamped)(acc[j][v] + offset, lo, hi);
            if (count >= (v + 1) * GN_LANES) {
                *(floats *)(out + v * GN_LANES) = value;
            } else {
                GN_NAME(store_first)(out + v * GN_LANES, value, count - v * GN_LANES);
            }
        }
    }
}

GN_TARGET static void GN_NAME(directConvolution)(const float *restrict input, int channels, const gn_window *w,
                                                 const float *restrict packedWeights, int outputChannels,
                                                 const float *shift, float lower, float upper,
                                                 int rowBegin, int rowEnd, float *restrict workspace,
                                                 float *restrict output) {
    if (rowBegin >= rowEnd || outputChannels <= 0) return;
    const int H = w->inputHeight, W = w->inputWidth, OW = w->outputWidth, OH = w->outputHeight;
    const int sh = w->strideHeight, s = w->strideWidth, ph = w->paddingHeight, pw = w->paddingWidth;
    // The band's input rows, each copied as s phases of `length` floats.
    const int bandRows = (rowEnd - rowBegin - 1) * sh + (w->kernelHeight - 1) * w->dilationHeight + 1;
    // The copy: for each channel and band row, s phases of `length` floats; padding and slack read 0. Stride 1
    // copies the row between its padding; stride 2 deals two vectors of the row at a time into the phases (their
    // even and odd lanes); a larger stride pads the row into `line` (after the copy) and deals it out from there.
    const int firstRow = rowBegin * sh - ph, length = gn_direct_phase_length(w), span = s * length;
    float *restrict copy = workspace;
    float *restrict line = copy + (size_t)channels * bandRows * span;
    for (int c = 0; c < channels; c++) {
        for (int r = 0; r < bandRows; r++) {
            float *restrict phases = copy + ((size_t)c * bandRows + r) * span;
            const int y = firstRow + r;
            if (y < 0 || y >= H) {
                for (int i = 0; i < span; i++) phases[i] = 0;
                continue;
            }
            const float *restrict source = input + ((size_t)c * H + y) * W;
            if (s == 2) {
                // Phase p's entry i is padded column 2i + p, input column 2i + p - pw.
                float *restrict even = phases, *restrict odd = phases + length;
                int i = 0;
                for (; i < length && 2 * i - pw < 0; i++) {
                    even[i] = 0;
                    odd[i] = 2 * i + 1 - pw >= 0 && 2 * i + 1 - pw < W ? source[2 * i + 1 - pw] : 0;
                }
                for (; i + GN_LANES <= length && 2 * i - pw + 2 * GN_LANES <= W; i += GN_LANES) {
                    const GN_NAME(floats) a = *(const GN_NAME(floats) *)(source + 2 * i - pw);
                    const GN_NAME(floats) b = *(const GN_NAME(floats) *)(source + 2 * i - pw + GN_LANES);
                    *(GN_NAME(floats) *)(even + i) = GN_NAME(even_lanes)(a, b);
                    *(GN_NAME(floats) *)(odd + i) = GN_NAME(odd_lanes)(a, b);
                }
                for (; i < length && 2 * i - pw < W; i++) {
                    even[i] = source[2 * i - pw];
                    odd[i] = 2 * i + 1 - pw < W ? source[2 * i + 1 - pw] : 0;
                }
                for (int j = i; j < length; j++) even[j] = 0;
                for (int j = i; j < length; j++) odd[j] = 0;
                continue;
            }
            float *restrict padded = s == 1 ? phases : line;
            for (int i = 0; i < pw; i++) padded[i] = 0;
            for (int x = 0; x < W; x++) padded[pw + x] = source[x];
            for (int i = pw + W; i < span; i++) padded[i] = 0;
            for (int phase = 0; s > 2 && phase < s; phase++) {
                for (int i = 0; i < length; i++) phases[phase * length + i] = line[i * s + phase];
            }
        }
    }
    // Each tap's offset into the copy: its channel's band rows, its kernel row, its column's phase and place.
    const int kh = w->kernelHeight, kw = w->kernelWidth, taps = channels * kh * kw;
    int *restrict offsets = (int *)(void *)(line + span);
    for (int c = 0; c < channels; c++) {
        for (int ky = 0; ky < kh; ky++) {
            for (int kx = 0; kx < kw; kx++) {
                const int column = kx * w->dilationWidth;
                offsets[(c * kh + ky) * kw + kx] = ((c * bandRows + ky * w->dilationHeight) * s + column % s) *
                                                       length +
                                                   column / s;
            }
        }
    }
    const int blocks = (outputChannels + GN_DIRECT_BLOCK - 1) / GN_DIRECT_BLOCK;
    const size_t planeStride = (size_t)OH * OW;
    for (int oy = rowBegin; oy < rowEnd; oy++) {
        // Output row oy reads band rows (oy - rowBegin) * sh + ky * dilation: the tile starts at the first.
        const float *restrict rows = copy + (size_t)(oy - rowBegin) * sh * s * length;
        float *restrict out = output + (size_t)oy * OW;
        for (int block = 0; block < blocks; block++) {
            const float *restrict weights = packedWeights + (size_t)block * taps * GN_DIRECT_BLOCK;
            const int first = block * GN_DIRECT_BLOCK;
            // Whole tiles of GN_DIRECT_NV vectors, then one of as many vectors as the row's end needs.
            int ox0 = 0;
            for (; ox0 + GN_DIRECT_NV * GN_LANES <= OW; ox0 += GN_DIRECT_NV * GN_LANES) {
                GN_NAME(directTile)(GN_DIRECT_NV, rows, offsets, taps, weights, ox0, GN_DIRECT_NV * GN_LANES, first,
                                    outputChannels, shift, lower, upper, out, planeStride);
            }
            const int left = OW - ox0;
#define GN_DIRECT_TILE(NV)                                                                                             \
    GN_NAME(directTile)(NV, rows, offsets, taps, weights, ox0, left, first, outputChannels, shift, lower, upper, out, \
                        planeStride)
            if (left <= 0) continue;
#if GN_DIRECT_NV == 3
            if (left > 2 * GN_LANES) {
                GN_DIRECT_TILE(3);
                continue;
            }
            if (left > GN_LANES) {
                GN_DIRECT_TILE(2);
                continue;
            }
#endif
            GN_DIRECT_TILE(1);
#undef GN_DIRECT_TILE
        }
    }
}

#undef GN_DIRECT_NV
