// CKernels: the loops GEMM cannot serve (im2col/col2im, Winograd transforms, depthwise and 1-D channel
// convolutions, pooling, fused bias/clamp, and their backward passes), compiled once per instruction set and
// chosen at run time. Swift reaches them only through GreenTensor's Kernels/ files.
#ifndef GREENNN_CKERNELS_H
#define GREENNN_CKERNELS_H

#include <stddef.h>
#include <stdint.h>

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
    /// One channel: output[outH, outW] = min(max(bias + sum over the kH x kW taps of kernel * input, lower), upper)
    /// (infinite bounds: no clamp). workspace holds 2 * (H + 2*padH) * (W + 2*padW) + 32 floats (a padded copy, a
    /// gap, an accumulator).
    void (*depthwisePlane)(const float *input, const float *kernel, float bias, float lower, float upper,
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
    /// y[i] = min(max(shift[i] + sum over t < k of a[i*k + t] * x[t], lower), upper) for i < m (shift NULL
    /// meaning 0): a fully connected layer on one input, each row of a streamed once.
    void (*matrixVector)(const float *a, int m, int k, const float *x, const float *_Nullable shift, float lower,
                         float upper, float *y);
    /// c [m, n] (rows ldc apart) = A [m, k] · b [k, n] (rows ldb apart), A given packed by gn_pack_gemm_a (for a row
    /// range of a larger packed matrix, pass the panel where the range starts: ranges start at multiples of 6), then
    /// on the way out c = min(max(c + shift[row], lower), upper) (shift NULL meaning 0). workspace:
    /// gn_gemm_workspace_size() floats. c is overwritten (no accumulation into its old contents).
    void (*packedGEMM)(const float *packedA, int m, int k, const float *b, size_t ldb, int n, float *c, size_t ldc,
                       const float *_Nullable shift, float lower, float upper, float *workspace);
    /// output[j*ldo + i] = min(max(product[i*ldp + j] * scale[j] + shift[j], lower), upper) for i < m, j < n: a
    /// product [m, n] stored transposed, with a per-column affine map and clamp (scale, shift NULL meaning 1, 0).
    void (*transposeFinish)(const float *product, size_t m, size_t n, size_t ldp, const float *_Nullable scale,
                            const float *_Nullable shift, float lower, float upper, float *output, size_t ldo);
    /// Output rows [rowBegin, rowEnd) of every output channel of a dense convolution: output [outputChannels, outH,
    /// outW] = min(max(shift[o] + sum over channels and taps of weight * input, lower), upper) (shift NULL meaning
    /// 0), padding reading as zero; input [channels, H, W]; weights packed by gn_pack_direct_weights. For inputs
    /// with few channels (a network's first conv), where im2col's column matrix would be tall and shallow.
    /// workspace: gn_direct_workspace_size(window, channels, rowEnd - rowBegin) floats.
    void (*directConvolution)(const float *input, int channels, const gn_window *window, const float *packedWeights,
                              int outputChannels, const float *_Nullable shift, float lower, float upper,
                              int rowBegin, int rowEnd, float *workspace, float *output);
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

/// Packs the transpose of x [k, m] (rows ldx apart) as gn_pack_gemm_a packs a [m, k]: panel p holds, for each
/// t < k, x[t*ldx + 6p + r] for r = 0..5 contiguous (zero past m), and starts at packed + 6*p*k.
void gn_pack_gemm_a_transposed(const float *x, size_t m, size_t k, size_t ldx, float *packed);

/// Floats of weights [outputChannels, taps] packed by gn_pack_direct_weights: outputChannels rounded up to a
/// multiple of 8, times taps.
size_t gn_direct_weights_size(size_t outputChannels, size_t taps);

/// Packs weights [outputChannels, taps] (taps = channels * kH * kW, a row per output channel) for
/// directConvolution: blocks of 8 output channels, each holding for every tap the 8 channels' weights contiguous
/// (zero past outputChannels).
void gn_pack_direct_weights(const float *weights, size_t outputChannels, size_t taps, float *packed);

/// Floats of workspace directConvolution needs for outputRows output rows over window with channels input channels.
size_t gn_direct_workspace_size(const gn_window *window, int channels, int outputRows);

// MARK: Int8

/// Rows of the int8 weights per packed panel (every int8 GEMM micro-kernel's tile height).
#define GN_INT8_PANEL_ROWS 4

/// Instruction sets the int8 kernels are compiled for: plain C; AVX2 (u8 x s8 pairs by vpmaddubsw, kept exact by
/// the sign trick below); AVX-VNNI (vpdpbusd on 256-bit vectors); AVX-512 VNNI (vpdpbusd on 512-bit vectors).
typedef enum {
    GN_INT8_GENERIC = 0,
    GN_INT8_AVX2 = 1,
    GN_INT8_AVXVNNI = 2,
    GN_INT8_AVX512VNNI = 3
} gn_int8_isa;

/// How a kernel turns int32 sums into u8 codes, per output channel o:
/// t = (float)(sum_o - inputZeroPoint * rowSum_o) * multiplier[o]; t = t + shift[o] (two roundings, never fused);
/// t = min(max(t, lower), upper); code = t rounded half to even. multiplier = inputScale * weightScale[o] /
/// outputScale, shift = bias[o] / outputScale + outputZeroPoint; lower and upper (0...255) carry a fused ReLU or
/// ReLU6. Every instruction set computes exactly this, so their outputs are identical.
typedef struct {
    const float *multiplier;
    const float *shift;
    int inputZeroPoint;
    float lower, upper;
} gn_requantization;

/// The column matrix of a convolution as im2col would write it, read in place by windowGemm: images of padded u8
/// planes (C planes of [H + 2*padH, W + 2*padW] each, imageBytes apart), their output positions side by side
/// (column j is position j % positions of image j / positions, at row (j % positions) / outputWidth); depth t reads
/// tapOffsets[t] bytes past where the column's window starts (c * paddedPlane + ky * dilH * paddedWidth + kx * dilW
/// for t = (c * kH + ky) * kW + kx).
/// With quads, the planes are interleaved four at a time (padQuads: [C/4][H + 2*padH][W + 2*padW][4]), the depths
/// run tap by tap (t = (ky * kW + kx) * C + c, C a multiple of 4, counting the planes padQuads adds), and tapOffsets
/// holds one offset per group of 4 depths (channels 4q..4q+3 at one tap: 4 * (q * paddedPlane + ky * dilH *
/// paddedWidth + kx * dilW)), whose 4 codes lie side by side for every column.
typedef struct {
    const unsigned char *padded;
    size_t imageBytes;
    int positions, outputWidth, strideHeight, strideWidth, paddedWidth, quads;
    const ptrdiff_t *tapOffsets;
} gn_int8_windows;

/// The int8 kernels of one instruction set. u8 activations carry their zero point; s8 weights lie in -127...127.
typedef struct {
    /// c [m, n] (u8, rows ldc bytes apart) = requantized A [m, k] · b [k, n] (u8, rows ldb bytes apart), A packed by
    /// gn_pack_int8_a (s8 codes in -127...127 with their row sums; for a row range of a larger packed matrix, pass
    /// the panel where the range starts and rows that start at a multiple of GN_INT8_PANEL_ROWS). The sums are exact
    /// int32 (k * 255 * 127 < 2^31 for k < 66,000). workspace: gn_int8_workspace_size(k) bytes.
    void (*gemm)(const signed char *packedA, int m, int k, const unsigned char *b, size_t ldb, int n,
                 const gn_requantization *requantization, unsigned char *c, size_t ldc, void *workspace);
    /// c [m, n] (rows ldc bytes apart) = requantized A [m, k] · columns [first, first + n) of the column matrix
    /// windows describes: gemm with b packed straight from the padded planes, no column matrix written. workspace:
    /// gn_int8_workspace_size(k) bytes.
    void (*windowGemm)(const signed char *packedA, int m, int k, const gn_int8_windows *windows, int first, int n,
                       const gn_requantization *requantization, unsigned char *c, size_t ldc, void *workspace);
    /// Copies `channels` planes of input (u8 [H, W], one after the other) into padded planes interleaved four at a
    /// time, [ceil(channels / 4)][H + 2*padH][W + 2*padW][4], framed by padValue; a last quad short of planes
    /// repeats the last plane in their place (weights of 0 multiply them).
    void (*padQuads)(const unsigned char *input, int channels, const gn_window *window, unsigned char padValue,
                     unsigned char *padded);
    /// Copies `planes` planes of input (u8 [H, W], one after the other) into padded planes [H + 2*padH, W + 2*padW]
    /// one after the other, each framed by padValue.
    void (*padPlanes)(const unsigned char *input, int planes, const gn_window *window, unsigned char padValue,
                      unsigned char *padded);
    /// One channel: output = the largest code in each window (padding never wins).
    void (*maxPoolPlane)(const unsigned char *input, const gn_window *window, unsigned char *output);
    /// One channel: output = the sum of each window's codes divided by its divisor, rounded half up (the codes
    /// share one zero point, so this is the mean of the reals). With countPadding the divisor is kH*kW and padded
    /// cells count as padValue (a real 0); without, it counts the cells inside the plane.
    void (*averagePoolPlane)(const unsigned char *input, const gn_window *window, int countPadding,
                             unsigned char padValue, unsigned char *output);
    /// The mean of count codes, rounded half up.
    unsigned char (*mean)(const unsigned char *values, size_t count);
    /// output[i] = round(clamp(input[i] * inverseScale + zeroPoint)) into 0...255 (the clamp first, then rounding
    /// half to even; NaN becomes zeroPoint): floats to codes.
    void (*quantize)(const float *input, size_t count, float inverseScale, float zeroPoint, unsigned char *output);
    /// output[i] = round(clamp(sums[i] * multiplier + shift, lower, upper)), the product and the sum rounded
    /// apart (never fused), rounded half to even: exact integer sums held as floats (below 2^24, as a depthwise
    /// conv's sums over codes less their zero point) requantized as gn_requantization says for one channel.
    void (*requantize)(const float *sums, size_t count, float multiplier, float shift, float lower, float upper,
                       unsigned char *output);
    /// output[i] = (input[i] - zeroPoint) * scale: codes to floats.
    void (*dequantize)(const unsigned char *input, size_t count, float zeroPoint, float scale, float *output);
    /// output[i] = round(clamp((first[i] - firstZero) * firstMultiplier + (second[i] - secondZero) *
    /// secondMultiplier + outputZero, lower, upper)), rounded half to even, the products and sums rounded as written
    /// left to right: a residual add of two codes into a third scale. second may be NULL (a requantizing copy).
    void (*add)(const unsigned char *first, float firstZero, float firstMultiplier,
                const unsigned char *_Nullable second, float secondZero, float secondMultiplier, size_t count,
                float outputZero, float lower, float upper, unsigned char *output);
    /// One image's block of `channels` (1...GN_INT8_DEPTHWISE_CHANNELS) planes of a depthwise conv: output plane c
    /// (outputPlane bytes apart) = requantized sums over the window's taps of (input code - inputZeroPoint) times
    /// weights[tap * 16 + c] (input planes inputPlane bytes apart; weights: the block's codes in -127...127 as
    /// floats, tap by tap, 16 channels a tap, 0 past channels), channel c by rq's entry c. The block is transposed
    /// into one padded plane of 16 channels a position (the codes as they are), summed in floats 16 channels a vector
    /// from -inputZeroPoint times the weights' sum (exact for up to GN_INT8_DEPTHWISE_MAX_TAPS taps), requantized as
    /// requantize does and transposed back. workspace: gn_int8_depthwise_workspace_size floats, 64-byte aligned.
    void (*depthwiseChannels)(const unsigned char *input, size_t inputPlane, int channels, const gn_window *window,
                              const float *weights, const gn_requantization *rq, float *workspace,
                              unsigned char *output, size_t outputPlane);
    /// Output channels [0, outputs) of a conv over `channels` padded planes (u8 [H + 2*padH][W + 2*padW] each,
    /// paddedPlane bytes apart, framed by the zero point, GN_INT8_DOT_MARGIN readable bytes past the last): output
    /// plane o (outputPlane bytes apart) = requantized sums over c and the window's taps of (code - inputZeroPoint)
    /// times output o's weight, by rq's entry o. quads (gn_pack_int8_dot_weights): for each output, channel and
    /// kernel row, its taps 4 at a time as dwords of s8 codes (0 past the row's end); rowSums[o]: the sum of output
    /// o's codes. The AVX2 and VNNI kernels sum up to 4 taps of a kernel row for 16 (8 on 256-bit vectors) outputs
    /// of a row in one dot product (vpdpbusd; four instructions on AVX2), at width strides 1, 2 and 4 without width
    /// dilation, each load serving a block of output channels; otherwise tap by tap. A depthwise conv is one channel
    /// and one output at a time.
    void (*convolveDots)(const unsigned char *padded, size_t paddedPlane, int channels, const gn_window *window,
                         const int32_t *quads, const int32_t *rowSums, int outputs, const gn_requantization *rq,
                         unsigned char *output, size_t outputPlane);
} gn_int8_kernel_table;

/// The int8 kernels compiled for `isa`, or NULL when this CPU (and its OS) cannot run them.
const gn_int8_kernel_table *_Nullable gn_int8_kernels(gn_int8_isa isa);

/// The widest int8 instruction set this CPU and OS support.
gn_int8_isa gn_int8_best_isa(void);

/// Bytes of a [m, k] matrix packed by gn_pack_int8_a: ceil(m / 4) panels of 16 * ceil(k / 4) codes, then one int32
/// row sum per panel row.
size_t gn_packed_int8_a_size(size_t m, size_t k);

/// Packs a [m, k] (s8 in -127...127, rows lda apart) into panels of 4 rows: panel p holds, for each group of 4
/// columns g < ceil(k / 4), the 4 codes a[4p + r][4g ... 4g + 3] of each row r in turn (0 past m or k); panels start
/// 16 * ceil(k / 4) bytes apart; then the row sums as int32 (0 for rows past m).
void gn_pack_int8_a(const signed char *a, size_t m, size_t k, size_t lda, signed char *packed);

/// Channels a depthwiseChannels call sums at once: one vector lane each.
#define GN_INT8_DEPTHWISE_CHANNELS 16

/// The most taps an int8 depthwise filter may have: its float sums (depthwiseChannels), which start from -zeroPoint
/// times the weights' sum, stay exact integers below 2^24 (2 * 255 * 127 * taps).
#define GN_INT8_DEPTHWISE_MAX_TAPS 259

/// Bytes convolveDots may read past the last padded plane (their values never reach an output).
#define GN_INT8_DOT_MARGIN 128

/// Dwords of gn_pack_int8_dot_weights for `outputs` outputs of `channels` channels over a kH x kW kernel.
size_t gn_int8_dot_weights_size(int outputs, int channels, int kernelHeight, int kernelWidth);

/// Packs weights (s8 [outputs][channels][kH][kW]) for convolveDots: per output, channel and kernel row, its taps 4 at a
/// time as dwords (0 past kW); and rowSums[o], the sum of output o's codes.
void gn_pack_int8_dot_weights(const signed char *weights, int outputs, int channels, int kernelHeight,
                              int kernelWidth, int32_t *quads, int32_t *rowSums);

/// Floats of workspace depthwiseChannels needs for window: the block's padded plane of 16 floats a position, then
/// its output codes, 16 a position.
size_t gn_int8_depthwise_workspace_size(const gn_window *window);

/// Bytes of workspace the int8 gemm kernels need for depth k (one packed block of b), every instruction set.
size_t gn_int8_workspace_size(size_t k);

#pragma clang assume_nonnull end

#ifdef __cplusplus
}
#endif

#endif
