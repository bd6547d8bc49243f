// Instantiates KernelBody.h for each instruction set and picks one at run time.
// __builtin_cpu_supports also checks that the OS enabled the register state (XCR0),
// so a hypervisor that hides AVX-512 state never gets AVX-512 code.
#include "CKernels.h"
#include "DirectConvolution.h"
#include "GEMMBlocking.h"
#if defined(__x86_64__)
#include <immintrin.h>
#endif

// GN_LANES: floats per vector register, the width of the partial sums in thinProduct.
#define GN_TARGET
#define GN_NAME(x) x##_generic
#define GN_LANES 4
#include "KernelBody.h"
#undef GN_TARGET
#undef GN_NAME
#undef GN_LANES

#if defined(__x86_64__)
#define GN_TARGET __attribute__((target("avx2,fma")))
#define GN_NAME(x) x##_avx2
#define GN_LANES 8
#include "KernelBody.h"
#undef GN_TARGET
#undef GN_NAME
#undef GN_LANES

#define GN_TARGET __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma")))
#define GN_NAME(x) x##_avx512
#define GN_LANES 16
#include "KernelBody.h"
#undef GN_TARGET
#undef GN_NAME
#undef GN_LANES
#endif

static int gn_supports(gn_isa isa) {
    switch (isa) {
    case GN_ISA_GENERIC:
        return 1;
#if defined(__x86_64__)
    case GN_ISA_AVX2:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case GN_ISA_AVX512:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
               __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq");
#endif
    default:
        return 0;
    }
}

const gn_kernel_table *gn_kernels(gn_isa isa) {
    if (!gn_supports(isa)) return 0;
    switch (isa) {
#if defined(__x86_64__)
    case GN_ISA_AVX512:
        return &table_avx512;
    case GN_ISA_AVX2:
        return &table_avx2;
#endif
    default:
        return &table_generic;
    }
}

gn_isa gn_best_isa(void) {
    if (gn_supports(GN_ISA_AVX512)) return GN_ISA_AVX512;
    if (gn_supports(GN_ISA_AVX2)) return GN_ISA_AVX2;
    return GN_ISA_GENERIC;
}
