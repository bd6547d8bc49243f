// The cache blocking packedGEMM shares across instruction sets (KernelGEMM.h) and with gn_gemm_workspace_size
// (PackedGEMM.c), so that one workspace size serves every table.
#ifndef GREENNN_GEMM_BLOCKING_H
#define GREENNN_GEMM_BLOCKING_H

// Floats of one packed panel of b (depth x the micro-kernel's columns), which stays in L1 while the panels of A
// stream past it: 32 KiB of Zen 5's 48 KiB L1D. Each instruction set takes the depth that fills it (128 for
// AVX-512's 64 columns, 512 for AVX2's 16, 1024 for generic's 8).
#define GN_GEMM_PANEL_FLOATS 8192
// Floats of a block of A (rows x depth), read again from L2 for each panel of b: 512 KiB, half of Zen 5's L2.
#define GN_GEMM_A_FLOATS 131072
// Floats of slack in the workspace, so that the panel can start on a 64-byte boundary.
#define GN_GEMM_ALIGN_SLACK 16

#endif
