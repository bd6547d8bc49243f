// The plain parts of the direct convolution, compiled once: packing its weights (when a plan is made) and sizing
// its workspace. The kernels, one per instruction set, are in KernelDirectConvolution.h.
#include "DirectConvolution.h"

size_t gn_direct_weights_size(size_t outputChannels, size_t taps) {
    return (outputChannels + GN_DIRECT_BLOCK - 1) / GN_DIRECT_BLOCK * GN_DIRECT_BLOCK * taps;
}

void gn_pack_direct_weights(const float *weights, size_t outputChannels, size_t taps, float *packed) {
    for (size_t o0 = 0; o0 < outputChannels; o0 += GN_DIRECT_BLOCK) {
        float *block = packed + o0 * taps;
        for (size_t t = 0; t < taps; t++) {
            for (size_t j = 0; j < GN_DIRECT_BLOCK; j++) {
                block[t * GN_DIRECT_BLOCK + j] = o0 + j < outputChannels ? weights[(o0 + j) * taps + t] : 0;
            }
        }
    }
}

size_t gn_direct_workspace_size(const gn_window *window, int channels, int outputRows) {
    if (outputRows <= 0) return 0;
    const size_t rows = (size_t)(outputRows - 1) * window->strideHeight +
                        (size_t)(window->kernelHeight - 1) * window->dilationHeight + 1;
    const size_t row = (size_t)window->strideWidth * gn_direct_phase_length(window);
    // The copy, a row to pad into, and an int offset per tap (a float's size each).
    return ((size_t)channels * rows + 1) * row + (size_t)channels * window->kernelHeight * window->kernelWidth;
}
