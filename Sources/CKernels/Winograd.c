// The Winograd F(4x4, 3x3) weight transform, run once per convolution when its plan is made (the input and output
// transforms, run per call, are in KernelWinograd.h with the algorithm). U = G g G^T for each 3x3 weight g, with
//
//       |  1/4     0     0   |
//       | -1/6  -1/6  -1/6   |
//   G = | -1/6   1/6  -1/6   |
//       |  1/24  1/12  1/6   |
//       |  1/24 -1/12  1/6   |
//       |  0     0     1     |
//
// computed in double and rounded once.
#include "CKernels.h"

static const double gn_winograd_g[6][3] = {
    {1.0 / 4, 0, 0},
    {-1.0 / 6, -1.0 / 6, -1.0 / 6},
    {-1.0 / 6, 1.0 / 6, -1.0 / 6},
    {1.0 / 24, 1.0 / 12, 1.0 / 6},
    {1.0 / 24, -1.0 / 12, 1.0 / 6},
    {0, 0, 1},
};

void gn_winograd_weights4x4(const float *weight, size_t outputChannels, size_t inputChannels, float *transformed) {
    const size_t matrixStride = outputChannels * inputChannels;
    for (size_t p = 0; p < matrixStride; p++) {
        const float *g = weight + 9 * p;
        // gg = G g (6x3), then U = gg G^T (6x6).
        double gg[6][3];
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 3; j++) {
                gg[i][j] = 0;
                for (int t = 0; t < 3; t++) gg[i][j] += gn_winograd_g[i][t] * g[3 * t + j];
            }
        }
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 6; j++) {
                double u = 0;
                for (int t = 0; t < 3; t++) u += gg[i][t] * gn_winograd_g[j][t];
                transformed[(size_t)(6 * i + j) * matrixStride + p] = (float)u;
            }
        }
    }
}
