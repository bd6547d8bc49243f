// The cache blocking packedGEMM shares across instruction sets (KernelGEMM.h) and with gn_gemm_workspace_size
// (PackedGEMM.c), so that one workspace size serves every table.
#ifndef GREENNN_GEMM_BLOCKING_H
#define GREENNN_GEMM_BLOCKING_H

// Floats of one packed panel of b (depth x the micro-kernel's width), kept in L1 while every panel of A streams
// past it: 32 KiB of Zen 5's 48 KiB L1D. Each instruction set takes the depth that fills it.
#ifndef GN_GEMM_PANEL_FLOATS
#define GN_GEMM_PANEL_FLOATS 8192
#endif
// Floats of the block of A (rows x depth) that one pass over the columns of b reuses from L2: 512 KiB, half of
// Zen 5's.
#ifndef GN_GEMM_A_FLOATS
#define GN_GEMM_A_FLOATS 131072
#endif
// Floats of slack in the workspace, so the panel can start on a 64-byte boundary.
#define GN_GEMM_ALIGN_SLACK 16

#endif
