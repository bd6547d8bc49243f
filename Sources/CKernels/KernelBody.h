// The kernel bodies (no include guard: meant to be included once per instruction set), included by Kernels.c with
// GN_TARGET (a function attribute), GN_NAME(x) (a suffixed name) and GN_LANES (floats per vector) defined. Each
// area has its own file; this one includes them and fills the table, by field name so that two kernels of the same
// signature cannot trade places. Every inner loop runs along contiguous W so the compiler can vectorise it.

#include "KernelWindow.h"
#include "KernelConvolution.h"
#include "KernelDirectConvolution.h"
#include "KernelWinograd.h"
#include "KernelPooling.h"
#include "KernelElementwise.h"
#include "KernelTraining.h"
#include "KernelGEMM.h"

static const gn_kernel_table GN_NAME(table) = {
    .im2col = GN_NAME(im2col),
    .col2im = GN_NAME(col2im),
    .depthwisePlane = GN_NAME(depthwisePlane),
    .directConvolution = GN_NAME(directConvolution),
    .maxPoolPlane = GN_NAME(maxPoolPlane),
    .averagePoolPlane = GN_NAME(averagePoolPlane),
    .sum = GN_NAME(sum),
    .affineClamp = GN_NAME(affineClamp),
    .depthwisePlaneBackwardInput = GN_NAME(depthwisePlaneBackwardInput),
    .depthwisePlaneBackwardWeight = GN_NAME(depthwisePlaneBackwardWeight),
    .maxPoolPlaneBackward = GN_NAME(maxPoolPlaneBackward),
    .averagePoolPlaneBackward = GN_NAME(averagePoolPlaneBackward),
    .clampBackward = GN_NAME(clampBackward),
    .clampCopy = GN_NAME(clampCopy),
    .adamUpdate = GN_NAME(adamUpdate),
    .sgdUpdate = GN_NAME(sgdUpdate),
    .thinProduct = GN_NAME(thinProduct),
    .matrixVector = GN_NAME(matrixVector),
    .packedGEMM = GN_NAME(packedGEMM),
    .transposeFinish = GN_NAME(transposeFinish),
    .winogradInput4x4 = GN_NAME(winogradInput4x4),
    .winogradOutput4x4 = GN_NAME(winogradOutput4x4),
};
