// CKernels: the loops GEMM cannot serve (im2col/col2im, Winograd transforms, depthwise and 1-D channel
// convolutions, pooling, fused bias/clamp, and their backward passes), compiled once per instruction set and
// chosen at run time. Swift reaches them only through GreenTensor's Kernels/ files.
#ifndef GREENNN_CKERNELS_H
#define GREENNN_CKERNELS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#pragma clang assume_nonnull begin

/// The geometry of a 2-D sliding window over one [H, W] plane:
/// out = (in + 2*padding - dilation*(kernel-1) - 1) / stride + 1 along each axis.
/// The padded extent in + 2*padding and the stride are at most 2^30 along each axis (GreenTensor's WindowGeometry
/// checks), which bounds every field, so the kernels' int sums of a position and an offset cannot overflow; offsets
/// into a plane or a column matrix are computed in size_t (or ptrdiff_t where they may be negative).
typedef struct {
    int inputHeight, inputWidth;
    int kernelHeight, kernelWidth;
    int strideHeight, strideWidth;
    int paddingHeight, paddingWidth;
    int dilationHeight, dilationWidth;
    int outputHeight, outputWidth;
} gn_window;

/// Rows of A per packed panel (the micro-kernels' tile height), the same for every instruction set.
#define GN_GEMM_PANEL_ROWS 6

/// Instruction sets a kernel table can be compiled for, from the most portable up.
typedef enum { GN_ISA_GENERIC = 0, GN_ISA_AVX2 = 1, GN_ISA_AVX512 = 2 } gn_isa;

/// One set of kernels, all compiled for the same instruction set.
typedef struct {
    /// input [C, H, W] -> columns [C*kH*kW, (rowEnd-rowBegin)*outW] for output rows
    /// [rowBegin, rowEnd), each row ld >= (rowEnd-rowBegin)*outW floats after the previous;
    /// padding reads as zero. The full matrix is rows 0..<outH.
    void (*im2col)(const float *input, int channels, const gn_window *window, int rowBegin, int rowEnd,
                   float *columns, size_t ld);
    /// columns [C*kH*kW, outH*outW] accumulated (+=) into input-shaped [C, H, W].
    void (*col2im)(const float *columns, int channels, const gn_window *window, float *input);
    /// One channel: output[outH, outW] = bias + sum over the kH x kW taps of kernel * input.
    /// workspace holds 2 * (H + 2*padH) * (W + 2*padW) + 32 floats (a padded copy, a gap, an accumulator).
    void (*depthwisePlane)(const float *input, const float *kernel, float bias,
                           const gn_window *window, float *workspace, float *output);
    /// One channel: output[outH, outW] = max over the window (padding never wins).
    void (*maxPoolPlane)(const float *input, const gn_window *window, float *output);
    /// One channel: output = mean over the window; the divisor counts padded cells
    /// when countPadding is non-zero (PyTorch's count_include_pad=True).
    void (*averagePoolPlane)(const float *input, const gn_window *window, int countPadding,
                             float *output);
    /// Sum of count floats.
    float (*sum)(const float *values, size_t count);
    /// values[i] = min(max(values[i] * scale + shift, lower), upper), in place.
    void (*affineClamp)(float *values, size_t count, float scale, float shift, float lower, float upper);
    /// One channel, the input gradient of depthwisePlane: inputGradient[H, W] (overwritten) =
    /// each output gradient times each tap, added back at the input cell the tap read.
    /// workspace holds (H + 2*padH) * (W + 2*padW) floats when padding is non-zero.
    void (*depthwisePlaneBackwardInput)(const float *outputGradient, const float *kernel, const gn_window *window,
                                        float *workspace, float *inputGradient);
    /// One channel, the weight gradient of depthwisePlane: kernelGradient[kH*kW] +=
    /// sum over outputs of outputGradient times the input cell each tap read (padding reads 0).
    /// workspace holds (H + 2*padH) * (W + 2*padW) floats when padding is non-zero.
    void (*depthwisePlaneBackwardWeight)(const float *input, const float *outputGradient, const gn_window *window,
                                         float *workspace, float *kernelGradient);
    /// One channel, the input gradient of maxPoolPlane: inputGradient[H, W] (overwritten) is 0
    /// except that each output gradient is added to the input cell that won its window (the
    /// first maximum; a NaN wins, as in the forward pass). With positiveOnly, only where the
    /// winning value is > 0 (the input is a ReLU's output, whose backward pass is fused in).
    void (*maxPoolPlaneBackward)(const float *input, const float *outputGradient, const gn_window *window,
                                 int positiveOnly, float *inputGradient);
    /// One channel, the input gradient of averagePoolPlane: inputGradient[H, W] (overwritten) is
    /// the sum, over the windows covering each cell, of their output gradient divided by the
    /// window's divisor (padding cells dropped).
    void (*averagePoolPlaneBackward)(const float *outputGradient, const gn_window *window, int countPadding,
                                     float *inputGradient);
    /// The input gradient of a clamp: inputGradient[i] = outputGradient[i] where
    /// lower < output[i] < upper, else 0 (ReLU: lower 0, upper infinity; ReLU6: 0 and 6).
    void (*clampBackward)(const float *output, const float *outputGradient, size_t count, float lower, float upper,
                          float *inputGradient);
    /// output[i] = min(max(input[i], lower), upper): a clamp out of place, in one pass.
    void (*clampCopy)(const float *input, size_t count, float lower, float upper, float *output);
    /// Adam's step on count values in place: g = gradient + l2*value; mean = beta1*mean + (1-beta1)*g;
    /// squares = beta2*squares + (1-beta2)*g*g; value = value*shrink - stepSize*mean / (sqrt(squares)*correction
    /// + epsilon) (shrink < 1 is AdamW's decoupled weight decay, applied to the value before the step).
    void (*adamUpdate)(float *value, const float *gradient, float *mean, float *squares, size_t count, float beta1,
                       float beta2, float stepSize, float correction, float epsilon, float l2, float shrink);
    /// SGD's step on count values in place: g = gradient + decay*value; without velocity (NULL)
    /// value -= rate*g, else velocity = momentum*velocity + g and value -= rate*(nesterov ?
    /// g + momentum*velocity : velocity).
    void (*sgdUpdate)(float *value, const float *gradient, float *_Nullable velocity, size_t count, float rate,
                      float momentum, float decay, int nesterov);
    /// c[o*ldc + p] = sum over t < k of a[o*k + t] * rows[p*k + t] for o < m, p < n: a [m, k] matrix
    /// times the transpose of rows [n, k], for thin products (few columns) that sgemm packs poorly.
    void (*thinProduct)(const float *a, int m, int k, const float *rows, int n, float *c, int ldc);
    /// c [m, n] (rows ldc apart) = A [m, k] · b [k, n] (rows ldb apart), A given packed by gn_pack_gemm_a (for a row
    /// range of a larger packed matrix, pass the panel where the range starts: ranges start at multiples of 6), then
    /// on the way out c = min(max(c + shift[row], lower), upper) (shift NULL meaning 0). workspace:
    /// gn_gemm_workspace_size() floats. c is overwritten (no accumulation into its old contents).
    void (*packedGEMM)(const float *packedA, int m, int k, const float *b, size_t ldb, int n, float *c, size_t ldc,
                       const float *_Nullable shift, float lower, float upper, float *workspace);
    /// Winograd F(4x4,3x3) input transform of tiles [tileBegin, tileEnd) of one image. input [channels, height,
    /// width]; tile t covers output rows 4*(t / tilesAcross).. and columns 4*(t % tilesAcross).., reading input rows
    /// from 4*ty - paddingHeight (6 rows, cells outside the plane read 0), columns likewise. transformed: 36
    /// matrices, matrix k (k = 6*i + j for the element (i, j) of B^T d B) at transformed + k*matrixStride, each
    /// [channels][tileEnd - tileBegin] row-major with row length ld (>= tileEnd - tileBegin); they must not overlap.
    void (*winogradInput4x4)(const float *input, int channels, int height, int width, int paddingHeight,
                             int paddingWidth, int tilesAcross, int tileBegin, int tileEnd, float *transformed,
                             size_t matrixStride, size_t ld);
    /// Winograd F(4x4,3x3) output transform: product holds 36 matrices (matrix k at product + k*matrixStride), each
    /// [outputChannels][tileEnd - tileBegin] with row length ld; writes A^T m A for each tile into output
    /// [outputChannels, outputHeight, outputWidth] (each channel plane at output + o*channelStride, channelStride >=
    /// outputHeight*outputWidth), dropping the cells of edge tiles that fall outside the plane, as
    /// y = min(max(value*scale[o] + shift[o], lower), upper) where scale and shift may be NULL (meaning 1 and 0).
    void (*winogradOutput4x4)(const float *product, int outputChannels, int outputHeight, int outputWidth,
                              int tilesAcross, int tileBegin, int tileEnd, size_t matrixStride, size_t ld,
                              const float *_Nullable scale, const float *_Nullable shift, float lower, float upper,
                              float *output, size_t channelStride);
} gn_kernel_table;

/// The table compiled for `isa`, or NULL when this CPU (and its OS) cannot run it.
const gn_kernel_table *_Nullable gn_kernels(gn_isa isa);

/// The widest instruction set this CPU and OS support.
gn_isa gn_best_isa(void);

/// Winograd F(4x4,3x3) weight transform: weight [outputChannels, inputChannels, 3, 3] -> 36 matrices G g G^T,
/// matrix k at transformed + k*outputChannels*inputChannels, each [outputChannels][inputChannels] row-major.
void gn_winograd_weights4x4(const float *weight, size_t outputChannels, size_t inputChannels, float *transformed);

/// Floats of a [m, k] packed by gn_pack_gemm_a: ceil(m / 6) * 6 * k.
size_t gn_packed_gemm_a_size(size_t m, size_t k);

/// Packs a [m, k] (rows lda apart) into panels of 6 rows: panel p holds, for each column t < k, the 6 values
/// a[6p + r][t] (r = 0..5) contiguous (zero for rows past m); panel p starts at packed + 6*p*k.
void gn_pack_gemm_a(const float *a, size_t m, size_t k, size_t lda, float *packed);

/// Floats of workspace packedGEMM needs (its packed blocks of b), the same for every instruction set.
size_t gn_gemm_workspace_size(void);

#pragma clang assume_nonnull end

#ifdef __cplusplus
}
#endif

#endif
