// Whole-vector helpers for the row-at-a-time passes of KernelConvolution.h (which includes this file) and
// KernelPooling.h (included after it): GN_LANES floats as one clang vector, loads and stores of a row's last,
// partial vector, and the lane shifts and de-interleaving of strided windows.
// Part of KernelBody.h: included once per instruction set, with GN_TARGET, GN_NAME(x) and GN_LANES defined.

#if defined(__x86_64__)
#include <immintrin.h>
#endif

// GN_LANES floats (clang's vector extension, so one body serves every instruction set), loaded and stored unaligned.
typedef float GN_NAME(floats) __attribute__((ext_vector_type(GN_LANES), aligned(4)));
// GN_LANES 32-bit integers: lane numbers, and the masks (0 or -1) comparisons of them give.
typedef int GN_NAME(lanes) __attribute__((ext_vector_type(GN_LANES)));

// The n floats at p followed by fill (all GN_LANES floats when n >= GN_LANES, none when n <= 0), reading nothing
// past them: masked loads where the instruction set has them, lane by lane otherwise.
GN_TARGET static inline GN_NAME(floats) GN_NAME(load_first)(const float *p, int n, float fill) {
    typedef GN_NAME(floats) floats;
    if (n >= GN_LANES) return *(const floats *)p;
    if (n <= 0) return (floats)fill;
#if GN_LANES == 16
    return (floats)_mm512_mask_loadu_ps(_mm512_set1_ps(fill), (__mmask16)((1u << n) - 1), p);
#elif GN_LANES == 8 && defined(__x86_64__)
    const __m256i inside = _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    return (floats)_mm256_blendv_ps(_mm256_set1_ps(fill), _mm256_maskload_ps(p, inside), _mm256_castsi256_ps(inside));
#elif GN_LANES == 4
    return (floats){p[0], n > 1 ? p[1] : fill, n > 2 ? p[2] : fill, fill};
#else
    floats v = fill;
    for (int i = 0; i < n; i++) v[i] = p[i];
    return v;
#endif
}

// The first n lanes of v stored at p (all of them when n >= GN_LANES; n >= 1).
GN_TARGET static inline void GN_NAME(store_first)(float *p, GN_NAME(floats) v, int n) {
    typedef GN_NAME(floats) floats;
    if (n >= GN_LANES) {
        *(floats *)p = v;
        return;
    }
#if GN_LANES == 16
    _mm512_mask_storeu_ps(p, (__mmask16)((1u << n) - 1), (__m512)v);
#elif GN_LANES == 8 && defined(__x86_64__)
    _mm256_maskstore_ps(p, _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)),
                        (__m256)v);
#elif GN_LANES == 4
    p[0] = v[0];
    if (n > 1) p[1] = v[1];
    if (n > 2) p[2] = v[2];
#else
    for (int i = 0; i < n; i++) p[i] = v[i];
#endif
}

// v clamped to [lo, hi] lane by lane (NaN stays NaN).
GN_TARGET static inline GN_NAME(floats) GN_NAME(clamped)(GN_NAME(floats) v, GN_NAME(floats) lo, GN_NAME(floats) hi) {
    v = v < lo ? lo : v;
    return v > hi ? hi : v;
}

// Lanes 1.. of a then b's first (the vector one float further along a row, a then b), and a's last lane then b's
// first GN_LANES - 1 (one float back, from the vector before b). With AVX-512 each is one valignd, written out:
// clang turns the shuffle into a vpermt2ps, which competes with the FMAs on AMD's Zen 5 (the stride-1 depthwise
// pass over a 112x112 plane ran 18% faster with valignd).
#if GN_LANES == 16
#define GN_VALIGND(a, b, k)                                                                                            \
    __m512 shifted;                                                                                                    \
    __asm__("valignd %3, %2, %1, %0" : "=v"(shifted) : "v"((__m512)(b)), "v"((__m512)(a)), "i"(k));                    \
    return (GN_NAME(floats))shifted
GN_TARGET static inline GN_NAME(floats) GN_NAME(next_lanes)(GN_NAME(floats) a, GN_NAME(floats) b) {
    GN_VALIGND(a, b, 1);
}
GN_TARGET static inline GN_NAME(floats) GN_NAME(previous_lanes)(GN_NAME(floats) a, GN_NAME(floats) b) {
    GN_VALIGND(a, b, 15);
}
#undef GN_VALIGND
#elif GN_LANES == 8
GN_TARGET static inline GN_NAME(floats) GN_NAME(next_lanes)(GN_NAME(floats) a, GN_NAME(floats) b) {
    return __builtin_shufflevector(a, b, 1, 2, 3, 4, 5, 6, 7, 8);
}
GN_TARGET static inline GN_NAME(floats) GN_NAME(previous_lanes)(GN_NAME(floats) a, GN_NAME(floats) b) {
    return __builtin_shufflevector(a, b, 7, 8, 9, 10, 11, 12, 13, 14);
}
#else
GN_TARGET static inline GN_NAME(floats) GN_NAME(next_lanes)(GN_NAME(floats) a, GN_NAME(floats) b) {
    return __builtin_shufflevector(a, b, 1, 2, 3, 4);
}
GN_TARGET static inline GN_NAME(floats) GN_NAME(previous_lanes)(GN_NAME(floats) a, GN_NAME(floats) b) {
    return __builtin_shufflevector(a, b, 3, 4, 5, 6);
}
#endif

// The even-numbered and the odd-numbered floats of a then b (columns 2j and 2j + 1 of the 2·GN_LANES floats).
#if GN_LANES == 16
#define GN_EVEN_LANES 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30
#define GN_ODD_LANES 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31
#elif GN_LANES == 8
#define GN_EVEN_LANES 0, 2, 4, 6, 8, 10, 12, 14
#define GN_ODD_LANES 1, 3, 5, 7, 9, 11, 13, 15
#else
#define GN_EVEN_LANES 0, 2, 4, 6
#define GN_ODD_LANES 1, 3, 5, 7
#endif
GN_TARGET static inline GN_NAME(floats) GN_NAME(even_lanes)(GN_NAME(floats) a, GN_NAME(floats) b) {
    return __builtin_shufflevector(a, b, GN_EVEN_LANES);
}
GN_TARGET static inline GN_NAME(floats) GN_NAME(odd_lanes)(GN_NAME(floats) a, GN_NAME(floats) b) {
    return __builtin_shufflevector(a, b, GN_ODD_LANES);
}
#undef GN_EVEN_LANES
#undef GN_ODD_LANES
