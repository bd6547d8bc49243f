// The plain parts of packedGEMM, compiled once: packing the constant matrix A (a convolution's weights, packed
// when its plan is made) into panels of GN_GEMM_PANEL_ROWS rows, and the workspace the kernels need to pack b;
// for the transposed products of convolveStreamingWeights, packing an activation matrix's transpose as A. The
// kernels, one per instruction set, are in KernelGEMM.h.
#include "CKernels.h"
#include "GEMMBlocking.h"

size_t gn_packed_gemm_a_size(size_t m, size_t k) {
    if (m == 0 || k == 0) return 0;
    const size_t panels = (m + GN_GEMM_PANEL_ROWS - 1) / GN_GEMM_PANEL_ROWS;
    return panels * GN_GEMM_PANEL_ROWS * k;
}

void gn_pack_gemm_a(const float *a, size_t m, size_t k, size_t lda, float *packed) {
    for (size_t p0 = 0; p0 < m; p0 += GN_GEMM_PANEL_ROWS) {
        float *panel = packed + p0 * k;
        for (size_t r = 0; r < GN_GEMM_PANEL_ROWS; r++) {
            const float *row = p0 + r < m ? a + (p0 + r) * lda : 0;
            for (size_t t = 0; t < k; t++) panel[t * GN_GEMM_PANEL_ROWS + r] = row ? row[t] : 0;
        }
    }
}

size_t gn_gemm_workspace_size(void) { return GN_GEMM_PANEL_FLOATS + GN_GEMM_ALIGN_SLACK; }

void gn_pack_gemm_a_transposed(const float *x, size_t m, size_t k, size_t ldx, float *packed) {
    for (size_t p0 = 0; p0 < m; p0 += GN_GEMM_PANEL_ROWS) {
        float *panel = packed + p0 * k;
        const float *column = x + p0;
        // Whole panels without the per-element test the last one needs (one loop for both packed
        // mobilenet-v1's 196 x 512 positions in 20 us instead of 16).
        if (m - p0 >= GN_GEMM_PANEL_ROWS) {
            for (size_t t = 0; t < k; t++) {
                for (size_t r = 0; r < GN_GEMM_PANEL_ROWS; r++) panel[t * GN_GEMM_PANEL_ROWS + r] = column[t * ldx + r];
            }
        } else {
            const size_t valid = m - p0;
            for (size_t t = 0; t < k; t++) {
                for (size_t r = 0; r < GN_GEMM_PANEL_ROWS; r++)
                    panel[t * GN_GEMM_PANEL_ROWS + r] = r < valid ? column[t * ldx + r] : 0;
            }
        }
    }
}
