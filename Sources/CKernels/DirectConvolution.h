// What the direct convolution's kernels (KernelDirectConvolution.h, one per instruction set) share with the packing
// and workspace sizing in DirectConvolution.c: the output channels a tile covers and the layout of the band copy.
#ifndef GREENNN_DIRECT_CONVOLUTION_H
#define GREENNN_DIRECT_CONVOLUTION_H

#include "CKernels.h"

// Output channels per tile: the weights are packed in blocks of this many (gn_pack_direct_weights).
#define GN_DIRECT_BLOCK 8
// Floats of slack after each phase of a copied row: a tile's last vectors may read up to three vectors of 16 past
// the row's last output.
#define GN_DIRECT_SLACK 48

// Floats of one phase of a copied row: the padded row's columns at one phase, then the slack.
static inline int gn_direct_phase_length(const gn_window *w) {
    const int paddedWidth = w->inputWidth + 2 * w->paddingWidth;
    return (paddedWidth + w->strideWidth - 1) / w->strideWidth + GN_DIRECT_SLACK;
}

#endif
