// The int8 kernels: KernelInt8.h instantiated for each int8 instruction set and picked at run time, and the plain
// parts shared by all of them (packing the weights, the workspace size). __builtin_cpu_supports checks that the OS
// enabled the register state, as for the float kernels (Kernels.c).
#include "CKernels.h"
#include <stdint.h>
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

// The widest tile of columns any int8 gemm kernel packs b into (AVX-512 VNNI's 4 vectors of 16 columns; AVX2's 16
// columns take twice their bytes, the codes then their magnitudes).
#define GN_INT8_MAX_COLUMNS 64

// The vectors of depthwiseChannels: one lane per channel of a block of GN_INT8_DEPTHWISE_CHANNELS (any alignment).
typedef float gn_floats16 __attribute__((ext_vector_type(16), aligned(4)));
typedef int gn_ints16 __attribute__((ext_vector_type(16)));
typedef unsigned char gn_codes16 __attribute__((ext_vector_type(16), aligned(1)));

// i with its 4 bits reversed: where transposeCodes leaves column i.
static const int gn_reversed4[16] = {0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15};

// Output rows depthwiseChannels computes from one band of padded rows: every row of a plane narrower than 16 codes
// (it is padded whole), else as many as keep the band's padded rows (16 floats a position) within 32 KB of L1, at
// least one.
static int gn_depthwise_band_rows(const gn_window *window) {
    if (window->inputWidth < 16) return window->outputHeight;
    const int paddedWidth = window->inputWidth + 2 * window->paddingWidth;
    const int rows = 32768 / (paddedWidth * 64);
    const int span = (window->kernelHeight - 1) * window->dilationHeight + 1;
    const int band = rows > span ? (rows - span) / window->strideHeight + 1 : 1;
    return band < window->outputHeight ? band : window->outputHeight;
}

// Padded rows a band of `bandRows` output rows reads (the whole padded plane when one band is every row).
static int gn_depthwise_padded_rows(const gn_window *window, int bandRows) {
    if (bandRows >= window->outputHeight) return window->inputHeight + 2 * window->paddingHeight;
    return (bandRows - 1) * window->strideHeight + (window->kernelHeight - 1) * window->dilationHeight + 1;
}

// GN_I8_KIND: 0 generic, 1 AVX2, 2 AVX-VNNI, 3 AVX-512 VNNI.
#define GN_I8_TARGET
#define GN_I8_NAME(x) x##_int8_generic
#define GN_I8_KIND 0
#include "KernelInt8.h"
#undef GN_I8_TARGET
#undef GN_I8_NAME
#undef GN_I8_KIND

#if defined(__x86_64__)
#define GN_I8_TARGET __attribute__((target("avx2,fma")))
#define GN_I8_NAME(x) x##_int8_avx2
#define GN_I8_KIND 1
#include "KernelInt8.h"
#undef GN_I8_TARGET
#undef GN_I8_NAME
#undef GN_I8_KIND

#define GN_I8_TARGET __attribute__((target("avxvnni,avx2,fma")))
#define GN_I8_NAME(x) x##_int8_avxvnni
#define GN_I8_KIND 2
#include "KernelInt8.h"
#undef GN_I8_TARGET
#undef GN_I8_NAME
#undef GN_I8_KIND

#define GN_I8_TARGET __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx512vnni,avx2,fma")))
#define GN_I8_NAME(x) x##_int8_avx512vnni
#define GN_I8_KIND 3
#include "KernelInt8.h"
#undef GN_I8_TARGET
#undef GN_I8_NAME
#undef GN_I8_KIND
#endif

static int gn_int8_supports(gn_int8_isa isa) {
    switch (isa) {
    case GN_INT8_GENERIC:
        return 1;
#if defined(__x86_64__)
    case GN_INT8_AVX2:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case GN_INT8_AVXVNNI:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("avxvnni");
    case GN_INT8_AVX512VNNI:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
               __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
               __builtin_cpu_supports("avx512vnni");
#endif
    default:
        return 0;
    }
}

const gn_int8_kernel_table *gn_int8_kernels(gn_int8_isa isa) {
    if (!gn_int8_supports(isa)) return 0;
    switch (isa) {
#if defined(__x86_64__)
    case GN_INT8_AVX512VNNI:
        return &int8_table_int8_avx512vnni;
    case GN_INT8_AVXVNNI:
        return &int8_table_int8_avxvnni;
    case GN_INT8_AVX2:
        return &int8_table_int8_avx2;
#endif
    default:
        return &int8_table_int8_generic;
    }
}

gn_int8_isa gn_int8_best_isa(void) {
    if (gn_int8_supports(GN_INT8_AVX512VNNI)) return GN_INT8_AVX512VNNI;
    if (gn_int8_supports(GN_INT8_AVXVNNI)) return GN_INT8_AVXVNNI;
    if (gn_int8_supports(GN_INT8_AVX2)) return GN_INT8_AVX2;
    return GN_INT8_GENERIC;
}

size_t gn_packed_int8_a_size(size_t m, size_t k) {
    if (m == 0 || k == 0) return 0;
    const size_t panels = (m + GN_INT8_PANEL_ROWS - 1) / GN_INT8_PANEL_ROWS;
    return panels * GN_INT8_PANEL_ROWS * 4 * ((k + 3) / 4) + panels * GN_INT8_PANEL_ROWS * sizeof(int32_t);
}

void gn_pack_int8_a(const signed char *a, size_t m, size_t k, size_t lda, signed char *packed) {
    const size_t groups = (k + 3) / 4, panels = (m + GN_INT8_PANEL_ROWS - 1) / GN_INT8_PANEL_ROWS;
    signed char *sums = packed + panels * GN_INT8_PANEL_ROWS * 4 * groups;
    for (size_t p = 0; p < panels; p++) {
        signed char *panel = packed + p * GN_INT8_PANEL_ROWS * 4 * groups;
        for (size_t r = 0; r < GN_INT8_PANEL_ROWS; r++) {
            const size_t row = p * GN_INT8_PANEL_ROWS + r;
            int32_t sum = 0;
            for (size_t g = 0; g < groups; g++) {
                for (size_t i = 0; i < 4; i++) {
                    const size_t t = 4 * g + i;
                    const signed char code = row < m && t < k ? a[row * lda + t] : 0;
                    panel[(g * GN_INT8_PANEL_ROWS + r) * 4 + i] = code;
                    sum += code;
                }
            }
            memcpy(sums + row * sizeof(int32_t), &sum, sizeof sum);
        }
    }
}

size_t gn_int8_workspace_size(size_t k) { return GN_INT8_MAX_COLUMNS * 4 * ((k + 3) / 4) + 64; }

size_t gn_int8_dot_weights_size(int outputs, int channels, int kernelHeight, int kernelWidth) {
    return (size_t)outputs * (size_t)channels * (size_t)kernelHeight * (size_t)((kernelWidth + 3) / 4);
}

void gn_pack_int8_dot_weights(const signed char *weights, int outputs, int channels, int kernelHeight,
                              int kernelWidth, int32_t *quads, int32_t *rowSums) {
    const int groups = (kernelWidth + 3) / 4;
    for (int o = 0; o < outputs; o++) {
        int32_t sum = 0;
        for (int c = 0; c < channels; c++) {
            for (int ky = 0; ky < kernelHeight; ky++) {
                const signed char *row = weights + (((size_t)o * channels + c) * kernelHeight + ky) * kernelWidth;
                for (int g = 0; g < groups; g++) {
                    uint32_t quad = 0;
                    for (int i = 0; i < 4; i++) {
                        const int kx = 4 * g + i;
                        const unsigned char code = kx < kernelWidth ? (unsigned char)row[kx] : 0;
                        quad |= (uint32_t)code << (8 * i);
                        if (kx < kernelWidth) sum += row[kx];
                    }
                    memcpy(quads + (((size_t)o * channels + c) * kernelHeight + ky) * groups + g, &quad, sizeof quad);
                }
            }
        }
        rowSums[o] = sum;
    }
}

size_t gn_int8_depthwise_workspace_size(const gn_window *window) {
    const size_t padded = (size_t)gn_depthwise_padded_rows(window, gn_depthwise_band_rows(window)) *
                          (size_t)(window->inputWidth + 2 * window->paddingWidth);
    const size_t positions = (size_t)window->outputHeight * (size_t)window->outputWidth;
    return GN_INT8_DEPTHWISE_CHANNELS * padded + (positions * GN_INT8_DEPTHWISE_CHANNELS + 3) / 4;
}
