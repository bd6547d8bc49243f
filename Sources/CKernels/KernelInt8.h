// The int8 kernel bodies (no include guard: included once per int8 instruction set by Int8Kernels.c, with
// GN_I8_TARGET, GN_I8_NAME(x) and GN_I8_KIND defined). u8 activations with a zero point, s8 weights in -127...127,
// exact int32 sums, and one requantization formula (gn_requantization in CKernels.h) that every instruction set
// computes with the same float operations in the same order, so that their outputs are identical.
//
// gemm: c = requantize(A · b), A packed once (gn_pack_int8_a: groups of 4 codes along k per row), b packed per call
// into the workspace, a tile of GN_I8_NR columns at a time, as groups of 4 codes along k per column: one 32-bit lane
// holds the 4 codes one vpdpbusd (or a vpmaddubsw + vpmaddwd pair) multiplies by a row's 4 broadcast weights.
//   AVX-512 VNNI: 8 rows (two panels) x 48 columns in 24 zmm accumulators: each load of b serves 8 vpdpbusd.
//   AVX-VNNI: 4 rows x 16 columns in 8 ymm accumulators (with 12, the 16 ymm registers spill one accumulator to
//     the stack every step: 512 x 512 x 192 took 406 us, 223 now).
//   AVX2: 4 rows x 16 columns. vpmaddubsw multiplies u8 by s8 and adds pairs into s16, which saturates for u8
//     codes: 255·127·2 > 32767. So b is packed as s8 (code - 128, by flipping the top bit) and the kernel computes
//     |b| · (a · sign(b)): |b| <= 128 and |a| <= 127 (never -128) keep each pair within 2·128·127 = 32512, exactly.
//     The 128 it subtracted comes back as 128 · rowSum. A packed block stores |b| after b (storeMagnitudes), once.
//   generic: plain loops over the same packing.

// GN_I8_NP: panels of A (4 rows each) a tile covers.
#if GN_I8_KIND == 3
#define GN_I8_LANES 16
#define GN_I8_NV 3
#define GN_I8_NP 2
#elif GN_I8_KIND == 2
#define GN_I8_LANES 8
#define GN_I8_NV 2
#elif GN_I8_KIND == 1
#define GN_I8_LANES 8
#define GN_I8_NV 2
#else
#define GN_I8_LANES 8
#define GN_I8_NV 1
#endif
#ifndef GN_I8_NP
#define GN_I8_NP 1
#endif
#define GN_I8_NR (GN_I8_LANES * GN_I8_NV)

// Rounds a float in [-2^22, 2^22] half to even, as cvtps2dq does: adding and subtracting 1.5 * 2^23 leaves the
// nearest integer (float adds round to nearest even and this file never lets the compiler reassociate them).
GN_I8_TARGET static inline int GN_I8_NAME(roundEven)(float value) {
    const float magic = 12582912.0f;
    return (int)((value + magic) - magic);
}

// count >= 8 bytes from source to target in chunks of 32, 16 or 8 (the widest that fits), the last chunk
// overlapping the one before, each XORed with zero (a runtime value the caller reads from a volatile, so the compiler
// cannot turn the loop into a memmove call: rows of a few dozen bytes cost more in calls than in bytes).
GN_I8_TARGET static inline void GN_I8_NAME(copyLine)(unsigned char *restrict target,
                                                     const unsigned char *restrict source, int count,
                                                     unsigned char zero) {
    typedef unsigned char chunk32 __attribute__((ext_vector_type(32), aligned(1)));
    typedef unsigned char chunk16 __attribute__((ext_vector_type(16), aligned(1)));
    if (count >= 32) {
        int i = 0;
        for (; i + 32 <= count; i += 32) *(chunk32 *)(target + i) = *(const chunk32 *)(source + i) ^ zero;
        if (i < count) *(chunk32 *)(target + count - 32) = *(const chunk32 *)(source + count - 32) ^ zero;
    } else if (count >= 16) {
        *(chunk16 *)target = *(const chunk16 *)source ^ zero;
        if (count > 16) *(chunk16 *)(target + count - 16) = *(const chunk16 *)(source + count - 16) ^ zero;
    } else {
        uint64_t head, tail;
        memcpy(&head, source, sizeof head);
        memcpy(target, &head, sizeof head);
        if (count > 8) {
            memcpy(&tail, source + count - 8, sizeof tail);
            memcpy(target + count - 8, &tail, sizeof tail);
        }
    }
}

// Copies the height x width plane into the middle of a padded plane whose frame (top rows, left columns) the
// caller has filled: row by row, whole chunks where rows are 8 or more bytes wide.
GN_I8_TARGET static inline void GN_I8_NAME(framePlane)(const unsigned char *restrict plane, int height, int width,
                                                       int top, int left, int paddedWidth,
                                                       unsigned char *restrict padded, unsigned char zero) {
    for (int y = 0; y < height; y++) {
        unsigned char *restrict row = padded + (size_t)(y + top) * paddedWidth + left;
        const unsigned char *restrict source = plane + (size_t)y * width;
        if (width >= 8) {
            GN_I8_NAME(copyLine)(row, source, width, zero);
        } else {
            for (int x = 0; x < width; x++) row[x] = source[x] ^ zero;
        }
    }
}

// The sum of count codes divided by count, rounded half up (sums of codes are never negative).
GN_I8_TARGET static inline unsigned char GN_I8_NAME(roundedMean)(uint64_t sum, uint64_t count) {
    const uint64_t divisor = count ? count : 1;
    return (unsigned char)((2 * sum + divisor) / (2 * divisor));
}

// The requantization of one row of int32 sums (the scalar form of what the gemm tiles do with vectors).
GN_I8_TARGET static inline void GN_I8_NAME(requantizeRow)(const int32_t *sums, int count, int32_t correction,
                                                          float multiplier, float shift, float lower, float upper,
                                                          unsigned char *output) {
#pragma clang fp contract(off)
    for (int i = 0; i < count; i++) {
        float t = (float)(sums[i] + correction) * multiplier;
        t = t + shift;
        t = t > lower ? t : lower;
        t = t < upper ? t : upper;
        output[i] = (unsigned char)GN_I8_NAME(roundEven)(t);
    }
}

#if GN_I8_KIND >= 1
// The 4 x 16 codes r (4 depths of 16 columns) stored as 16 columns of 4 codes each: a 4 x 16 transpose by byte and
// word unpacks.
GN_I8_TARGET static inline void GN_I8_NAME(interleaveQuads)(const __m128i r[4], unsigned char *restrict out) {
    const __m128i ab0 = _mm_unpacklo_epi8(r[0], r[1]), ab1 = _mm_unpackhi_epi8(r[0], r[1]);
    const __m128i cd0 = _mm_unpacklo_epi8(r[2], r[3]), cd1 = _mm_unpackhi_epi8(r[2], r[3]);
    _mm_storeu_si128((__m128i *)out, _mm_unpacklo_epi16(ab0, cd0));
    _mm_storeu_si128((__m128i *)(out + 16), _mm_unpackhi_epi16(ab0, cd0));
    _mm_storeu_si128((__m128i *)(out + 32), _mm_unpacklo_epi16(ab1, cd1));
    _mm_storeu_si128((__m128i *)(out + 48), _mm_unpackhi_epi16(ab1, cd1));
}

// 16 codes at p + s[c] (c < 16), gathered as runs of `length` codes (a constant once inlined): one load for a run
// of 16, else a load per run, else code by code.
GN_I8_TARGET static inline __attribute__((always_inline)) __m128i
GN_I8_NAME(gatherRuns)(const int length, const unsigned char *restrict p, const size_t *restrict s) {
    if (length == 16) return _mm_loadu_si128((const __m128i *)(p + s[0]));
    if (length == 8) {
        uint64_t lo, hi;
        memcpy(&lo, p + s[0], 8);
        memcpy(&hi, p + s[8], 8);
        return _mm_set_epi64x((long long)hi, (long long)lo);
    }
    if (length == 4) {
        uint32_t q[4];
        for (int part = 0; part < 4; part++) memcpy(&q[part], p + s[4 * part], 4);
        return _mm_set_epi32((int)q[3], (int)q[2], (int)q[1], (int)q[0]);
    }
    if (length == 2) {
        uint16_t q[8];
        for (int part = 0; part < 8; part++) memcpy(&q[part], p + s[2 * part], 2);
        return _mm_set_epi16((short)q[7], (short)q[6], (short)q[5], (short)q[4], (short)q[3], (short)q[2],
                             (short)q[1], (short)q[0]);
    }
    unsigned char bytes[16];
    for (int c = 0; c < 16; c++) bytes[c] = p[s[c]];
    return _mm_loadu_si128((const __m128i *)bytes);
}

// Every group of 4 depths of 16 columns whose windows start at s[0..16), gathered as runs of `length` (a constant
// once inlined) and interleaved into the packed block at column j.
GN_I8_TARGET static inline __attribute__((always_inline)) void
GN_I8_NAME(packRuns)(const int length, const unsigned char *restrict padded, const ptrdiff_t *restrict taps, int k,
                     const size_t *restrict s, unsigned char flip, unsigned char *restrict packed, int j) {
    const __m128i flips = _mm_set1_epi8((char)flip);
    const int groups = (k + 3) / 4;
    for (int g = 0; g < groups; g++) {
        __m128i r[4];
        if (4 * g + 4 <= k) {
            for (int i = 0; i < 4; i++) r[i] = GN_I8_NAME(gatherRuns)(length, padded + taps[4 * g + i], s);
        } else {
            for (int i = 0; i < 4; i++) {
                r[i] = 4 * g + i < k ? GN_I8_NAME(gatherRuns)(length, padded + taps[4 * g + i], s) : flips;
            }
        }
        if (flip) {
            for (int i = 0; i < 4; i++) r[i] = _mm_xor_si128(r[i], flips);
        }
        GN_I8_NAME(interleaveQuads)(r, packed + (size_t)g * GN_I8_NR * 4 + 4 * j);
    }
}
#endif

// Copies columns [0, cols) of b [k, *] into the workspace as [ceil(k/4)][GN_I8_NR][4] (columns past cols and
// depths past k as 0); AVX2 flips each code's top bit (code - 128 as s8). 16 columns at a time are interleaved
// (interleaveQuads), the rest one by one.
GN_I8_TARGET static void GN_I8_NAME(packB)(const unsigned char *restrict b, size_t ldb, int k, int cols,
                                           unsigned char *restrict packed) {
    const unsigned char flip = GN_I8_KIND == 1 ? 0x80 : 0;
    const int groups = (k + 3) / 4;
    for (int g = 0; g < groups; g++) {
        unsigned char *restrict out = packed + (size_t)g * GN_I8_NR * 4;
        const unsigned char *rows[4];
        for (int i = 0; i < 4; i++) rows[i] = 4 * g + i < k ? b + (size_t)(4 * g + i) * ldb : 0;
        int j = 0;
#if GN_I8_KIND >= 1
        const __m128i flips = _mm_set1_epi8((char)flip);
        for (; j + 16 <= cols; j += 16) {
            __m128i r[4];
            for (int i = 0; i < 4; i++) {
                r[i] = rows[i] ? _mm_xor_si128(_mm_loadu_si128((const __m128i *)(rows[i] + j)), flips) : flips;
            }
            GN_I8_NAME(interleaveQuads)(r, out + 4 * j);
        }
#endif
        for (; j < cols; j++) {
            for (int i = 0; i < 4; i++) out[4 * j + i] = rows[i] ? rows[i][j] ^ flip : flip;
        }
        memset(out + 4 * cols, flip, (size_t)(GN_I8_NR - cols) * 4);
    }
}

// The packed block of columns whose windows start at start[0..cols) in channel-interleaved padded images: group g's
// 4 codes of a column are the 4 bytes at taps[g] past its start, so runs of one output row copy straight (16
// columns are 64 contiguous bytes), the rest 4 bytes a column; AVX2 flips each code's top bit.
GN_I8_TARGET static void GN_I8_NAME(packQuads)(const unsigned char *restrict padded, const ptrdiff_t *restrict taps,
                                               int groups, const size_t *restrict start, const int *restrict run,
                                               int cols, unsigned char flip, unsigned char *restrict packed) {
    typedef unsigned char bytes16 __attribute__((ext_vector_type(16), aligned(1)));
    const uint32_t flips = 0x01010101u * flip;
    for (int g = 0; g < groups; g++) {
        const unsigned char *restrict source = padded + taps[g];
        unsigned char *restrict out = packed + (size_t)g * GN_I8_NR * 4;
        int j = 0;
        for (; j + 16 <= cols; j += 16) {
            const int length = run[j / 16];
            if (length == -2) {
                // Quads 0, 2, ..., 30 from two 16-quad vectors, the second starting at quad 15 (so that nothing
                // past the last quad is read).
                typedef uint32_t quads16 __attribute__((ext_vector_type(16), aligned(1)));
                const quads16 low = *(const quads16 *)(source + start[j]);
                const quads16 high = *(const quads16 *)(source + start[j] + 60);
                quads16 v = __builtin_shufflevector(low, high, 0, 2, 4, 6, 8, 10, 12, 14, 17, 19, 21, 23, 25, 27, 29,
                                                    31);
                if (flip) v ^= (quads16)flips;
                *(quads16 *)(out + 4 * j) = v;
                continue;
            }
            if (length >= 4) {
                // Runs of 4 or more columns: 16 bytes at a time.
                for (int part = 0; part < 4; part++) {
                    bytes16 v = *(const bytes16 *)(source + start[j + 4 * part]);
                    if (flip) v ^= (bytes16)flip;
                    *(bytes16 *)(out + 4 * j + 16 * part) = v;
                }
                continue;
            }
            for (int c = j; c < j + 16; c++) {
                uint32_t quad;
                memcpy(&quad, source + start[c], 4);
                quad ^= flips;
                memcpy(out + 4 * c, &quad, 4);
            }
        }
        for (; j < cols; j++) {
            uint32_t quad;
            memcpy(&quad, source + start[j], 4);
            quad ^= flips;
            memcpy(out + 4 * j, &quad, 4);
        }
        memset(out + 4 * cols, flip, (size_t)(GN_I8_NR - cols) * 4);
    }
}

// Packs cols columns of the column matrix im2col would write for windows (every image's positions side by side),
// whose windows start at start[0..cols) (columnStarts), straight from the padded planes, as packB packs b: depth t
// reads the byte windows->tapOffsets[t] past where the column's window starts. Interleaved quads copy runs
// (packQuads); planes apart are gathered 16 columns at a time as whole runs of one output row (16, 8, 4 or 2
// codes, by the widest run every part of the 16 fits) and interleaved, otherwise code by code.
// Where each of columns [first, first + cols) of windows' column matrix starts in its padded image, in bytes (a
// position is 4 bytes of interleaved quads); columns past cols repeat the first.
GN_I8_TARGET static void GN_I8_NAME(columnStarts)(const gn_int8_windows *restrict windows, int first, int cols,
                                                  size_t *restrict start) {
    const int positions = windows->positions, width = windows->outputWidth;
    const size_t unit = windows->quads ? 4 : 1;
    for (int j = 0; j < GN_I8_NR; j++) {
        const int column = first + (j < cols ? j : 0);
        const int image = column / positions, position = column % positions;
        start[j] = (size_t)image * windows->imageBytes +
                   unit * ((size_t)(position / width) * windows->strideHeight * windows->paddedWidth +
                           (size_t)(position % width) * windows->strideWidth);
    }
}

GN_I8_TARGET static void GN_I8_NAME(packWindows)(const gn_int8_windows *restrict windows, int k,
                                                 const size_t *restrict start, int cols,
                                                 unsigned char *restrict packed) {
    const unsigned char flip = GN_I8_KIND == 1 ? 0x80 : 0;
    const int groups = (k + 3) / 4;
    const size_t unit = windows->quads ? 4 : 1;
    // How long a run of one output row each 16 columns are made of; with quads, -2 where the 16 lie in one row at
    // stride 2 (every other position of 32).
    int run[GN_I8_NR / 16 + 1];
    for (int chunk = 0; chunk * 16 + 16 <= cols; chunk++) {
        const size_t *s = start + chunk * 16;
        int length = 16;
        for (; length > 1; length /= 2) {
            int whole = 1;
            for (int j = 0; j < 16 && whole; j++) whole = s[j] == s[j - j % length] + unit * (size_t)(j % length);
            if (whole) break;
        }
        int everyOther = windows->quads && length == 1;
        for (int j = 0; j < 16 && everyOther; j++) everyOther = s[j] == s[0] + 8 * (size_t)j;
        run[chunk] = everyOther ? -2 : length;
    }
    const unsigned char *restrict padded = windows->padded;
    const ptrdiff_t *restrict taps = windows->tapOffsets;
    if (windows->quads) {
        GN_I8_NAME(packQuads)(padded, taps, groups, start, run, cols, flip, packed);
        return;
    }
    int j = 0;
#if GN_I8_KIND >= 1
    // 16 columns at a time, every group of 4 depths in turn, the gather specialised by run length.
    for (; j + 16 <= cols; j += 16) {
        switch (run[j / 16]) {
        case 16: GN_I8_NAME(packRuns)(16, padded, taps, k, start + j, flip, packed, j); break;
        case 8: GN_I8_NAME(packRuns)(8, padded, taps, k, start + j, flip, packed, j); break;
        case 4: GN_I8_NAME(packRuns)(4, padded, taps, k, start + j, flip, packed, j); break;
        case 2: GN_I8_NAME(packRuns)(2, padded, taps, k, start + j, flip, packed, j); break;
        default: GN_I8_NAME(packRuns)(1, padded, taps, k, start + j, flip, packed, j); break;
        }
    }
#endif
    for (int g = 0; g < groups; g++) {
        unsigned char *restrict out = packed + (size_t)g * GN_I8_NR * 4;
        for (int c = j; c < cols; c++) {
            for (int i = 0; i < 4; i++) {
                const int t = 4 * g + i;
                out[4 * c + i] = t < k ? padded[taps[t] + start[c]] ^ flip : flip;
            }
        }
        memset(out + 4 * cols, flip, (size_t)(GN_I8_NR - cols) * 4);
    }
}

#if GN_I8_KIND >= 1
// One vector of int32 sums (zero-point corrections included) as codes, as gn_requantization says: (float)sums times
// multiplier, plus shift (two roundings), clamped to [lower, upper], rounded half to even (cvtps2dq); the lanes' codes
// in order in the low bytes (16 on AVX-512, 8 otherwise). Narrowed in a register, for the caller to store: vpmovdb
// straight to memory is slow on AMD's Zen cores (the 1x1 conv 64 x 32 x 12544 took 110 us so).
#if GN_I8_KIND == 3
GN_I8_TARGET static inline __attribute__((always_inline)) __m128i
GN_I8_NAME(requantizeLanes)(__m512i sums, float multiplier, float shift, float lower, float upper) {
    __m512 t = _mm512_mul_ps(_mm512_cvtepi32_ps(sums), _mm512_set1_ps(multiplier));
    t = _mm512_add_ps(t, _mm512_set1_ps(shift));
    t = _mm512_min_ps(_mm512_max_ps(t, _mm512_set1_ps(lower)), _mm512_set1_ps(upper));
    return _mm512_cvtepi32_epi8(_mm512_cvtps_epi32(t));
}
#else
// The requantization of 8 float sums, times per-lane multipliers plus shifts (the int32 sums converted, or a
// depthwise conv's exact float sums), as int32 codes in 0...255.
GN_I8_TARGET static inline __attribute__((always_inline)) __m256i
GN_I8_NAME(requantizeFloats)(__m256 sums, __m256 multiplier, __m256 shift, float lower, float upper) {
#pragma clang fp contract(off)
    __m256 t = _mm256_mul_ps(sums, multiplier);
    t = _mm256_add_ps(t, shift);
    return _mm256_cvtps_epi32(_mm256_min_ps(_mm256_max_ps(t, _mm256_set1_ps(lower)), _mm256_set1_ps(upper)));
}

// requantizeLanes before narrowing: the codes as int32 lanes.
GN_I8_TARGET static inline __attribute__((always_inline)) __m256i
GN_I8_NAME(requantizeWords)(__m256i sums, float multiplier, float shift, float lower, float upper) {
    return GN_I8_NAME(requantizeFloats)(_mm256_cvtepi32_ps(sums), _mm256_set1_ps(multiplier), _mm256_set1_ps(shift),
                                        lower, upper);
}

GN_I8_TARGET static inline __attribute__((always_inline)) __m128i
GN_I8_NAME(requantizeLanes)(__m256i sums, float multiplier, float shift, float lower, float upper) {
    const __m256i codes = GN_I8_NAME(requantizeWords)(sums, multiplier, shift, lower, upper);
    const __m128i words = _mm_packus_epi32(_mm256_castsi256_si128(codes), _mm256_extracti128_si256(codes, 1));
    return _mm_packus_epi16(words, words);
}

// requantizeLanes for 2 or 4 vectors at once, narrowed together (the codes lie in 0...255, so signed packs keep them):
// fewer narrowing instructions than a vector at a time, which the small depths and the depthwise rows feel.
// The 16 codes of vectors a and b in the order their packs leave them: a 0-3, b 0-3, a 4-7, b 4-7.
GN_I8_TARGET static inline __attribute__((always_inline)) __m128i
GN_I8_NAME(requantizePacked)(__m256i a, __m256i b, float multiplier, float shift, float lower, float upper) {
    const __m256i words = _mm256_packs_epi32(GN_I8_NAME(requantizeWords)(a, multiplier, shift, lower, upper),
                                             GN_I8_NAME(requantizeWords)(b, multiplier, shift, lower, upper));
    return _mm_packus_epi16(_mm256_castsi256_si128(words), _mm256_extracti128_si256(words, 1));
}

// The 16 codes of two vectors, in order: a's lanes, then b's.
GN_I8_TARGET static inline __attribute__((always_inline)) __m128i
GN_I8_NAME(requantizePair)(__m256i a, __m256i b, float multiplier, float shift, float lower, float upper) {
    return _mm_shuffle_epi32(GN_I8_NAME(requantizePacked)(a, b, multiplier, shift, lower, upper),
                             _MM_SHUFFLE(3, 1, 2, 0));
}

// The 16 codes of two vectors interleaved: code 2j + i is lane j of s[i].
GN_I8_TARGET static inline __attribute__((always_inline)) __m128i
GN_I8_NAME(requantizeInterleaved2)(const __m256i s[2], float multiplier, float shift, float lower, float upper) {
    return _mm_shuffle_epi8(GN_I8_NAME(requantizePacked)(s[0], s[1], multiplier, shift, lower, upper),
                            _mm_setr_epi8(0, 4, 1, 5, 2, 6, 3, 7, 8, 12, 9, 13, 10, 14, 11, 15));
}

// The 32 codes of four vectors interleaved: code 4j + i is lane j of s[i] (a 4 x 4 byte transpose per 128-bit half).
GN_I8_TARGET static inline __attribute__((always_inline)) __m256i
GN_I8_NAME(requantizeInterleaved4)(const __m256i s[4], float multiplier, float shift, float lower, float upper) {
    __m256i c[4];
#pragma unroll
    for (int i = 0; i < 4; i++) c[i] = GN_I8_NAME(requantizeWords)(s[i], multiplier, shift, lower, upper);
    const __m256i bytes = _mm256_packus_epi16(_mm256_packs_epi32(c[0], c[1]), _mm256_packs_epi32(c[2], c[3]));
    const __m256i order = _mm256_setr_epi8(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15, 0, 4, 8, 12, 1, 5, 9,
                                           13, 2, 6, 10, 14, 3, 7, 11, 15);
    return _mm256_shuffle_epi8(bytes, order);
}
#endif

// The codes' offset in the dot products below: AVX2 multiplies codes - 128 (their top bit flipped), and the
// 128 · sum of the weights it leaves out comes back with the zero-point correction, (GN_I8_OFFSET - zero point)
// · sum.
#define GN_I8_OFFSET (GN_I8_KIND == 1 ? 128 : 0)

// GN_I8_DOT(acc, x, magnitude, a): acc plus, in each 32-bit lane, the dot product of x's 4 codes with a's 4 weights
// (s8, never -128). VNNI: one vpdpbusd of u8 codes. AVX2: x holds codes - 128 (GN_I8_FLIP) and magnitude their
// absolute values (GN_I8_MAGNITUDE), computed once per load of x; vpmaddubsw multiplies |x| by a · sign(x), whose
// pairs stay within 2·128·127 = 32512 where u8 x s8 pairs saturate s16 (255·127·2 > 32767), then vpmaddwd by ones.
#if GN_I8_KIND == 3
#define GN_I8_DOT(acc, x, magnitude, a) _mm512_dpbusd_epi32(acc, x, a)
#elif GN_I8_KIND == 2
#define GN_I8_DOT(acc, x, magnitude, a) _mm256_dpbusd_avx_epi32(acc, x, a)
#else
GN_I8_TARGET static inline __attribute__((always_inline)) __m256i GN_I8_NAME(dotFlipped)(__m256i acc, __m256i x,
                                                                                       __m256i magnitude, __m256i a) {
    const __m256i pairs = _mm256_maddubs_epi16(magnitude, _mm256_sign_epi8(a, x));
    return _mm256_add_epi32(acc, _mm256_madd_epi16(pairs, _mm256_set1_epi16(1)));
}
#define GN_I8_DOT(acc, x, magnitude, a) GN_I8_NAME(dotFlipped)(acc, x, magnitude, a)
#endif
#if GN_I8_KIND == 1
#define GN_I8_FLIP(x) _mm256_xor_si256(x, _mm256_set1_epi8((char)0x80))
#define GN_I8_MAGNITUDE(x) _mm256_abs_epi8(x)
#else
#define GN_I8_FLIP(x) (x)
#define GN_I8_MAGNITUDE(x) (x)
#endif

// One tile of rows < rows (of np panels of GN_INT8_PANEL_ROWS, the second panelBytes after the first) and columns
// < cols, nv vectors wide (nv and np are constants once inlined).
GN_I8_TARGET static inline __attribute__((always_inline)) void
GN_I8_NAME(tile)(const int nv, const int np, const int direct, const signed char *restrict a, size_t panelBytes,
                 const unsigned char *restrict b, const ptrdiff_t *restrict taps, const ptrdiff_t *restrict chunks,
                 int groups, const int32_t *restrict rowSums, const gn_requantization *restrict rq, int row0, int rows,
                 unsigned char *restrict c, size_t ldc, int cols) {
#if GN_I8_KIND == 3
    typedef __m512i ivec;
#define GN_I8_ZERO() _mm512_setzero_si512()
#define GN_I8_LOAD(p) _mm512_load_si512((const void *)(p))
#define GN_I8_LOADU(p) _mm512_loadu_si512((const void *)(p))
#define GN_I8_SET1(x) _mm512_set1_epi32(x)
#else
    typedef __m256i ivec;
#define GN_I8_ZERO() _mm256_setzero_si256()
#define GN_I8_LOAD(p) _mm256_load_si256((const ivec *)(p))
#define GN_I8_LOADU(p) _mm256_loadu_si256((const ivec *)(p))
#define GN_I8_SET1(x) _mm256_set1_epi32(x)
#endif
    // The sums start from each row's zero-point correction (rows past `rows` read a row sum of 0 there).
    ivec acc[GN_I8_NP * GN_INT8_PANEL_ROWS][GN_I8_NV];
#pragma unroll
    for (int r = 0; r < np * GN_INT8_PANEL_ROWS; r++) {
        const ivec correction = GN_I8_SET1((GN_I8_OFFSET - rq->inputZeroPoint) * rowSums[r]);
#pragma unroll
        for (int v = 0; v < nv; v++) acc[r][v] = correction;
    }
    for (int g = 0; g < groups; g++) {
        ivec y[GN_I8_NV];
        if (direct) {
            // In place: group g's codes of vector v's columns are the bytes at taps[g] + chunks[v] of the padded
            // image (AVX2 flips their top bits as packing would).
            const unsigned char *restrict group = b + taps[g];
#pragma unroll
            for (int v = 0; v < nv; v++) y[v] = GN_I8_FLIP(GN_I8_LOADU(group + chunks[v]));
        } else {
#pragma unroll
            for (int v = 0; v < nv; v++) y[v] = GN_I8_LOAD(b + (size_t)g * GN_I8_NR * 4 + v * GN_I8_LANES * 4);
        }
        // The next tile's panels at this depth: weights too big for L2 (VGG's 3x3 convs) otherwise stall on L3
        // where each panel starts (vgg16-cifar at batch 32: 31.7-34.9 -> 30.6-30.9 ms).
#pragma unroll
        for (int p = 0; p < np; p++)
            __builtin_prefetch(a + (size_t)(np + p) * panelBytes + (size_t)g * GN_INT8_PANEL_ROWS * 4, 0, 3);
        // On AVX2 a packed block carries its codes' magnitudes after the codes (storeMagnitudes): loaded, not
        // recomputed for every panel (a vpabsb per vector of every step: 7% of the tile's throughput).
        ivec magnitude[GN_I8_NV];
#pragma unroll
        for (int v = 0; v < nv; v++)
            magnitude[v] = GN_I8_KIND == 1 && !direct
                               ? GN_I8_LOAD(b + (size_t)(groups + g) * GN_I8_NR * 4 + v * GN_I8_LANES * 4)
                               : GN_I8_MAGNITUDE(y[v]);
#pragma unroll
        for (int r = 0; r < np * GN_INT8_PANEL_ROWS; r++) {
            int32_t quad;
            memcpy(&quad,
                   a + (size_t)(r / GN_INT8_PANEL_ROWS) * panelBytes +
                       ((size_t)g * GN_INT8_PANEL_ROWS + r % GN_INT8_PANEL_ROWS) * 4,
                   sizeof quad);
            const ivec x = GN_I8_SET1(quad);
#pragma unroll
            for (int v = 0; v < nv; v++) acc[r][v] = GN_I8_DOT(acc[r][v], y[v], magnitude[v], x);
        }
    }
    // Unrolled, so the sums stay in registers: a loop over the rows present would spill them all to the stack (the
    // 1x1 conv 64 x 32 x 12544, AVX-512 VNNI: 105.9 -> 78.5 us).
#pragma unroll
    for (int r = 0; r < np * GN_INT8_PANEL_ROWS; r++) {
        if (r >= rows) break;
        const float multiplier = rq->multiplier[row0 + r], shift = rq->shift[row0 + r];
        unsigned char *restrict out = c + (size_t)r * ldc;
#if GN_I8_KIND != 3
        if (nv == 2 && cols == 2 * GN_I8_LANES) {
            _mm_storeu_si128((__m128i *)out,
                             GN_I8_NAME(requantizePair)(acc[r][0], acc[r][1], multiplier, shift, rq->lower, rq->upper));
            continue;
        }
#endif
#pragma unroll
        for (int v = 0; v < nv; v++) {
            const int done = v * GN_I8_LANES;
            if (done >= cols) break;
            const int count = cols - done < GN_I8_LANES ? cols - done : GN_I8_LANES;
            const __m128i codes = GN_I8_NAME(requantizeLanes)(acc[r][v], multiplier, shift, rq->lower, rq->upper);
#if GN_I8_KIND == 3
            if (count == GN_I8_LANES) {
                _mm_storeu_si128((__m128i *)(out + done), codes);
            } else {
                _mm_mask_storeu_epi8(out + done, (__mmask16)((1u << count) - 1), codes);
            }
#else
            if (count == GN_I8_LANES) {
                _mm_storel_epi64((__m128i *)(out + done), codes);
            } else {
                unsigned char lane[16];
                _mm_storeu_si128((__m128i *)lane, codes);
                memcpy(out + done, lane, (size_t)count);
            }
#endif
        }
    }
#undef GN_I8_ZERO
#undef GN_I8_LOAD
#undef GN_I8_LOADU
#undef GN_I8_SET1
}
#else
// The generic tile: plain loops, sums of the true u8 codes.
GN_I8_TARGET static void GN_I8_NAME(tile)(const int nv, const int np, const int direct, const signed char *restrict a,
                                          size_t panelBytes, const unsigned char *restrict b,
                                          const ptrdiff_t *restrict taps, const ptrdiff_t *restrict chunks,
                                          int groups, const int32_t *restrict rowSums,
                                          const gn_requantization *restrict rq, int row0, int rows,
                                          unsigned char *restrict c, size_t ldc, int cols) {
    (void)nv;
    (void)np;
    (void)direct;
    (void)taps;
    (void)chunks;
    (void)panelBytes;
    int32_t sums[GN_INT8_PANEL_ROWS][GN_I8_NR] = {{0}};
    for (int g = 0; g < groups; g++) {
        const unsigned char *restrict column = b + (size_t)g * GN_I8_NR * 4;
        for (int r = 0; r < GN_INT8_PANEL_ROWS; r++) {
            const signed char *restrict quad = a + ((size_t)g * GN_INT8_PANEL_ROWS + r) * 4;
            for (int j = 0; j < GN_I8_NR; j++) {
                sums[r][j] += quad[0] * column[4 * j] + quad[1] * column[4 * j + 1] + quad[2] * column[4 * j + 2] +
                              quad[3] * column[4 * j + 3];
            }
        }
    }
    for (int r = 0; r < rows; r++) {
        GN_I8_NAME(requantizeRow)(sums[r], cols, -rq->inputZeroPoint * rowSums[r], rq->multiplier[row0 + r],
                                  rq->shift[row0 + r], rq->lower, rq->upper, c + (size_t)r * ldc);
    }
}
#endif

// Every panel of A times the packed block of b (cols columns), requantized into c (rows ldc apart): the tiles of
// one column block.
// b is the packed block, or with direct (a constant once inlined; never for the generic kernels) the padded image
// the tiles read in place at taps[g] + chunks[v].
#if GN_I8_KIND == 1
// The magnitudes of a packed block's flipped codes (groups x GN_I8_NR x 4 bytes), stored right after them, where
// the AVX2 tile reads them: computed once per block instead of once per panel.
GN_I8_TARGET static inline void GN_I8_NAME(storeMagnitudes)(unsigned char *packed, int groups) {
    const size_t bytes = (size_t)groups * GN_I8_NR * 4;
    for (size_t i = 0; i < bytes; i += 32) {
        const __m256i codes = _mm256_load_si256((const __m256i *)(packed + i));
        _mm256_store_si256((__m256i *)(packed + bytes + i), _mm256_abs_epi8(codes));
    }
}
#endif

GN_I8_TARGET static inline __attribute__((always_inline)) void
GN_I8_NAME(multiplyBlock)(const int direct, const signed char *packedA, int m, int groups, const int32_t *rowSums,
                          const unsigned char *packed, const ptrdiff_t *taps, const ptrdiff_t *chunks, int cols,
                          const gn_requantization *rq, unsigned char *c, size_t ldc) {
    const int panels = (m + GN_INT8_PANEL_ROWS - 1) / GN_INT8_PANEL_ROWS;
    const int nv = (cols + GN_I8_LANES - 1) / GN_I8_LANES;
    const size_t panelBytes = (size_t)GN_INT8_PANEL_ROWS * 4 * (size_t)groups;
    for (int p = 0; p < panels; p += GN_I8_NP) {
        const int row0 = p * GN_INT8_PANEL_ROWS;
        const int np = panels - p < GN_I8_NP ? panels - p : GN_I8_NP;
        const int span = np * GN_INT8_PANEL_ROWS;
        const int rows = m - row0 < span ? m - row0 : span;
        const signed char *panel = packedA + (size_t)p * panelBytes;
        unsigned char *out = c + (size_t)row0 * ldc;
#define GN_I8_TILE(NV, NP)                                                                                             \
GN_I8_NAME(tile)(NV, NP, direct, panel, panelBytes, packed, taps, chunks, groups, rowSums + row0, rq, row0, rows,     \
                 out, ldc, cols)
#if GN_I8_NP == 2
        if (np == 2) {
            switch (nv) {
            case 1: GN_I8_TILE(1, 2); break;
            case 2: GN_I8_TILE(2, 2); break;
            default: GN_I8_TILE(GN_I8_NV, 2); break;
            }
            continue;
        }
#endif
        switch (nv) {
#if GN_I8_NV >= 3
        case 3: GN_I8_TILE(3, 1); break;
#endif
#if GN_I8_NV >= 2
        case 2: GN_I8_TILE(2, 1); break;
#endif
        default: GN_I8_TILE(1, 1); break;
        }
#undef GN_I8_TILE
    }
}

// The row sums gn_pack_int8_a stores after the panels of A [m, 4 * groups].
GN_I8_TARGET static inline const int32_t *GN_I8_NAME(rowSums)(const signed char *packedA, int m, int groups) {
    const size_t panels = ((size_t)m + GN_INT8_PANEL_ROWS - 1) / GN_INT8_PANEL_ROWS;
    return (const int32_t *)(const void *)(packedA + panels * GN_INT8_PANEL_ROWS * 4 * (size_t)groups);
}

#if GN_I8_KIND >= 1
// A few columns of b (no more than GN_I8_VECTOR_COLUMNS, where a tile would fill a vector of columns mostly with
// padding) as matrix-vector products that run along the depth instead: a vector of a panel holds GN_I8_CHUNK / 16
// groups of its 4 rows, multiplied by each column's codes of those groups repeated for the 4 rows (expanded: built
// once per call, column j's at expanded + j * stride), then summed across groups into the 4 rows' sums. np panels
// (a constant once inlined, as nc, the columns) at a time, every vector of A read once for all nc columns. AVX2
// holds each column's flipped codes and their magnitudes (GN_I8_DOT), so 3 or 4 columns take one panel at a time
// (GN_I8_FEW_PANELS) to stay within the 16 ymm registers.
#if GN_I8_KIND == 3
#define GN_I8_CHUNK 64
#define GN_I8_VECTOR_COLUMNS 4
#define GN_I8_FEW_PANELS 4
#elif GN_I8_KIND == 2
#define GN_I8_CHUNK 32
#define GN_I8_VECTOR_COLUMNS 2
#else
#define GN_I8_CHUNK 32
#define GN_I8_VECTOR_COLUMNS 4
#define GN_I8_FEW_PANELS 1
#endif
GN_I8_TARGET static inline __attribute__((always_inline)) void
GN_I8_NAME(multiplyVectors)(const int nc, const int np, const signed char *restrict packedA, int m, int groups,
                            const int32_t *restrict rowSums, const unsigned char *restrict expanded, size_t stride,
                            const gn_requantization *restrict rq, unsigned char *restrict c, size_t ldc) {
#if GN_I8_KIND == 3
    typedef __m512i ivec;
#define GN_I8_ZERO() _mm512_setzero_si512()
#define GN_I8_LOADU(p) _mm512_loadu_si512((const void *)(p))
#else
    typedef __m256i ivec;
#define GN_I8_ZERO() _mm256_setzero_si256()
#define GN_I8_LOADU(p) _mm256_loadu_si256((const __m256i *)(p))
#endif
    const int chunks = (groups * 16 + GN_I8_CHUNK - 1) / GN_I8_CHUNK;
    // The dwords of the last chunk that lie inside a panel: it is loaded masked (A's end may follow).
    const int lastWords = (groups * 16 - (chunks - 1) * GN_I8_CHUNK) / 4;
#if GN_I8_KIND == 3
    const __mmask16 mask = (__mmask16)((1u << lastWords) - 1);
#else
    const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(lastWords), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
#endif
    const size_t panelBytes = 16 * (size_t)groups;
    const int panels = (m + GN_INT8_PANEL_ROWS - 1) / GN_INT8_PANEL_ROWS;
    for (int p = 0; p < panels; p += np) {
        const int present = panels - p < np ? panels - p : np;
        const signed char *restrict panel = packedA + (size_t)p * panelBytes;
        ivec acc[8][GN_I8_VECTOR_COLUMNS];
#pragma unroll
        for (int i = 0; i < np; i++)
#pragma unroll
            for (int j = 0; j < nc; j++) acc[i][j] = GN_I8_ZERO();
        for (int q = 0; q < chunks; q++) {
            ivec x[GN_I8_VECTOR_COLUMNS], magnitude[GN_I8_VECTOR_COLUMNS];
#pragma unroll
            for (int j = 0; j < nc; j++) {
                x[j] = GN_I8_FLIP(GN_I8_LOADU(expanded + j * stride + (size_t)q * GN_I8_CHUNK));
                magnitude[j] = GN_I8_MAGNITUDE(x[j]);
            }
#pragma unroll
            for (int i = 0; i < np; i++) {
                if (i >= present) break;
                const signed char *restrict at = panel + i * panelBytes + (size_t)q * GN_I8_CHUNK;
#if GN_I8_KIND == 3
                const ivec a = q + 1 < chunks ? GN_I8_LOADU(at) : _mm512_maskz_loadu_epi32(mask, at);
#else
                const ivec a = q + 1 < chunks ? GN_I8_LOADU(at) : _mm256_maskload_epi32((const int *)at, mask);
#endif
#pragma unroll
                for (int j = 0; j < nc; j++) acc[i][j] = GN_I8_DOT(acc[i][j], x[j], magnitude[j], a);
            }
        }
#pragma unroll
        for (int i = 0; i < np; i++) {
            if (i >= present) break;
#pragma unroll
            for (int j = 0; j < nc; j++) {
#if GN_I8_KIND == 3
                const __m256i half =
                    _mm256_add_epi32(_mm512_castsi512_si256(acc[i][j]), _mm512_extracti64x4_epi64(acc[i][j], 1));
#else
                const __m256i half = acc[i][j];
#endif
                // Lane r of the folded sums is row r's: the groups are summed.
                int32_t rows[4];
                _mm_storeu_si128((__m128i *)rows,
                                 _mm_add_epi32(_mm256_castsi256_si128(half), _mm256_extracti128_si256(half, 1)));
                for (int r = 0; r < GN_INT8_PANEL_ROWS; r++) {
                    const int row = (p + i) * GN_INT8_PANEL_ROWS + r;
                    if (row >= m) break;
                    GN_I8_NAME(requantizeRow)(&rows[r], 1, (GN_I8_OFFSET - rq->inputZeroPoint) * rowSums[row],
                                              rq->multiplier[row], rq->shift[row], rq->lower, rq->upper,
                                              c + (size_t)row * ldc + j);
                }
            }
        }
    }
#undef GN_I8_ZERO
#undef GN_I8_LOADU
}

// Columns [0, cols) of b (rows ldb apart; cols <= GN_I8_VECTOR_COLUMNS) times A by multiplyVectors, each column's
// codes expanded into the workspace first.
GN_I8_TARGET static void GN_I8_NAME(multiplyFewColumns)(const signed char *restrict packedA, int m, int k,
                                                        int groups, const int32_t *restrict rowSums,
                                                        const unsigned char *restrict b, size_t ldb, int cols,
                                                        const gn_requantization *restrict rq, unsigned char *c,
                                                        size_t ldc, unsigned char *restrict expanded) {
    const size_t stride = (size_t)(groups * 16 + GN_I8_CHUNK - 1) / GN_I8_CHUNK * GN_I8_CHUNK;
    for (int j = 0; j < cols; j++) {
        unsigned char *restrict column = expanded + j * stride;
        for (int g = 0; g < groups; g++) {
            uint32_t quad = 0;
            for (int i = 0; i < 4; i++) {
                const int t = 4 * g + i;
                quad |= (uint32_t)(t < k ? b[(size_t)t * ldb + j] : 0) << (8 * i);
            }
            for (int r = 0; r < GN_INT8_PANEL_ROWS; r++) memcpy(column + 16 * g + 4 * r, &quad, 4);
        }
        memset(column + 16 * groups, 0, stride - 16 * (size_t)groups);
    }
    switch (cols) {
    case 1: GN_I8_NAME(multiplyVectors)(1, 8, packedA, m, groups, rowSums, expanded, stride, rq, c, ldc); break;
#if GN_I8_VECTOR_COLUMNS >= 4
    case 3:
        GN_I8_NAME(multiplyVectors)(3, GN_I8_FEW_PANELS, packedA, m, groups, rowSums, expanded, stride, rq, c, ldc);
        break;
    case 4:
        GN_I8_NAME(multiplyVectors)(4, GN_I8_FEW_PANELS, packedA, m, groups, rowSums, expanded, stride, rq, c, ldc);
        break;
#endif
    default: GN_I8_NAME(multiplyVectors)(2, 4, packedA, m, groups, rowSums, expanded, stride, rq, c, ldc); break;
    }
}
#endif

// The columns [0, n) of b (rows ldb apart) or, with windows, columns [first, first + n) of the column matrix they
// describe, times A, requantized into c: block by block of GN_I8_NR columns, each packed (or, for windows read in
// place, not) and multiplied by every panel of A.
GN_I8_TARGET static void GN_I8_NAME(multiplyColumns)(const signed char *packedA, int m, int k,
                                                     const unsigned char *b, size_t ldb,
                                                     const gn_int8_windows *windows, int first, int n,
                                                     const gn_requantization *rq, unsigned char *c, size_t ldc,
                                                     void *workspace) {
    if (m <= 0 || n <= 0) return;
    const int groups = (k + 3) / 4;
    const int32_t *rowSums = GN_I8_NAME(rowSums)(packedA, m, groups);
    unsigned char *packed = (unsigned char *)(((uintptr_t)workspace + 63) & ~(uintptr_t)63);
    for (int j0 = 0; j0 < n; j0 += GN_I8_NR) {
        const int cols = n - j0 < GN_I8_NR ? n - j0 : GN_I8_NR;
        if (!windows) {
#if GN_I8_KIND >= 1
            if (cols <= GN_I8_VECTOR_COLUMNS) {
                GN_I8_NAME(multiplyFewColumns)(packedA, m, k, groups, rowSums, b + j0, ldb, cols, rq, c + j0, ldc,
                                               packed);
                continue;
            }
#endif
            GN_I8_NAME(packB)(b + j0, ldb, k, cols, packed);
#if GN_I8_KIND == 1
            GN_I8_NAME(storeMagnitudes)(packed, groups);
#endif
            GN_I8_NAME(multiplyBlock)(0, packedA, m, groups, rowSums, packed, 0, 0, cols, rq, c + j0, ldc);
            continue;
        }
        size_t start[GN_I8_NR];
        GN_I8_NAME(columnStarts)(windows, first + j0, cols, start);
#if GN_I8_KIND >= 1
        // Interleaved quads whose every vector of columns lies in one run of a row (stride 1, rows a whole number of
        // vectors wide: VGG's 32x32 and 16x16 planes) need no packing: the tiles read them in place.
        int inPlace = windows->quads;
        ptrdiff_t chunks[GN_I8_NV];
        for (int v = 0; v < GN_I8_NV; v++) {
            const int begin = v * GN_I8_LANES < cols ? v * GN_I8_LANES : 0;
            chunks[v] = (ptrdiff_t)start[begin];
            for (int j = begin; inPlace && j < begin + GN_I8_LANES && j < cols; j++) {
                inPlace = start[j] == start[begin] + 4 * (size_t)(j - begin);
            }
        }
        if (inPlace) {
            GN_I8_NAME(multiplyBlock)(1, packedA, m, groups, rowSums, windows->padded, windows->tapOffsets, chunks,
                                      cols, rq, c + j0, ldc);
            continue;
        }
#endif
        GN_I8_NAME(packWindows)(windows, k, start, cols, packed);
#if GN_I8_KIND == 1
        GN_I8_NAME(storeMagnitudes)(packed, groups);
#endif
        GN_I8_NAME(multiplyBlock)(0, packedA, m, groups, rowSums, packed, 0, 0, cols, rq, c + j0, ldc);
    }
}

GN_I8_TARGET static void GN_I8_NAME(gemm)(const signed char *packedA, int m, int k, const unsigned char *b,
                                          size_t ldb, int n, const gn_requantization *rq, unsigned char *c,
                                          size_t ldc, void *workspace) {
    GN_I8_NAME(multiplyColumns)(packedA, m, k, b, ldb, 0, 0, n, rq, c, ldc, workspace);
}

GN_I8_TARGET static void GN_I8_NAME(windowGemm)(const signed char *packedA, int m, int k,
                                                const gn_int8_windows *windows, int first, int n,
                                                const gn_requantization *rq, unsigned char *c, size_t ldc,
                                                void *workspace) {
    GN_I8_NAME(multiplyColumns)(packedA, m, k, 0, 0, windows, first, n, rq, c, ldc, workspace);
}

// Copies each of `planes` planes of input (u8 [H, W] each, one after the other) into the middle of a padded plane
// [H + 2*padH, W + 2*padW] of padded, its frame set to padValue.
GN_I8_TARGET static void GN_I8_NAME(padPlanes)(const unsigned char *restrict input, int planes, const gn_window *w,
                                               unsigned char padValue, unsigned char *restrict padded) {
    const int height = w->inputHeight, width = w->inputWidth, top = w->paddingHeight, left = w->paddingWidth;
    const size_t paddedSize = (size_t)(height + 2 * top) * (width + 2 * left);
    static volatile unsigned char volatileZero = 0;
    const unsigned char zero = volatileZero;
    memset(padded, padValue, paddedSize * planes);
    for (int plane = 0; plane < planes; plane++) {
        GN_I8_NAME(framePlane)(input + (size_t)plane * height * width, height, width, top, left, width + 2 * left,
                               padded + plane * paddedSize, zero);
    }
}

// Where plane 4q + i of padQuads' input starts: the last plane stands in for planes past it.
GN_I8_TARGET static inline const unsigned char *GN_I8_NAME(quadPlane)(const unsigned char *input, int channels,
                                                                       size_t plane, int q, int i) {
    const int index = 4 * q + i < channels ? 4 * q + i : channels - 1;
    return input + (size_t)index * plane;
}

GN_I8_TARGET static void GN_I8_NAME(padQuads)(const unsigned char *restrict input, int channels, const gn_window *w,
                                              unsigned char padValue, unsigned char *restrict padded) {
    const int height = w->inputHeight, width = w->inputWidth, top = w->paddingHeight, left = w->paddingWidth;
    const int paddedWidth = width + 2 * left;
    const size_t plane = (size_t)height * width, paddedPlane = (size_t)(height + 2 * top) * paddedWidth;
    const int quads = (channels + 3) / 4;
    memset(padded, padValue, paddedPlane * 4 * quads);
    // Rows narrower than 16 codes that tile 16 (8, 4, 2 or 1 wide, in planes of a multiple of 16 codes): 16 codes of
    // each of 4 planes span 16 / width rows, interleaved at once and stored row by row (VGG's 8x8 and 4x4 planes).
#if GN_I8_KIND >= 1
    if (width < 16 && 16 % width == 0 && plane % 16 == 0) {
        const int rowsAtOnce = 16 / width;
        for (int q = 0; q < quads; q++) {
            for (int y = 0; y < height; y += rowsAtOnce) {
                __m128i r[4];
                for (int i = 0; i < 4; i++) {
                    const unsigned char *row = GN_I8_NAME(quadPlane)(input, channels, plane, q, i) + (size_t)y * width;
                    r[i] = _mm_loadu_si128((const __m128i *)row);
                }
                unsigned char interleaved[64];
                GN_I8_NAME(interleaveQuads)(r, interleaved);
                for (int row = 0; row < rowsAtOnce; row++) {
                    memcpy(padded + 4 * (q * paddedPlane + (size_t)(y + row + top) * paddedWidth + left),
                           interleaved + 4 * row * width, 4 * (size_t)width);
                }
            }
        }
        return;
    }
#endif
    for (int q = 0; q < quads; q++) {
        const unsigned char *restrict rows[4];
        for (int y = 0; y < height; y++) {
            for (int i = 0; i < 4; i++) {
                rows[i] = GN_I8_NAME(quadPlane)(input, channels, plane, q, i) + (size_t)y * width;
            }
            unsigned char *restrict out = padded + 4 * (q * paddedPlane + (size_t)(y + top) * paddedWidth + left);
            int x = 0;
#if GN_I8_KIND >= 1
            for (; x + 16 <= width; x += 16) {
                __m128i r[4];
                for (int i = 0; i < 4; i++) r[i] = _mm_loadu_si128((const __m128i *)(rows[i] + x));
                GN_I8_NAME(interleaveQuads)(r, out + 4 * x);
            }
#endif
            for (; x < width; x++) {
                for (int i = 0; i < 4; i++) out[4 * x + i] = rows[i][x];
            }
        }
    }
}

// The outputs [first, last) of a row whose tap at offset (kx*dilation - padding) lands inside the input row:
// x = ox*stride + offset in [0, width).
GN_I8_TARGET static inline void GN_I8_NAME(insideRange)(int offset, int stride, int width, int outputWidth,
                                                        int *first, int *last) {
    int begin = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
    int end = width - offset <= 0 ? 0 : (width - offset + stride - 1) / stride;
    begin = begin < outputWidth ? begin : outputWidth;
    end = end < outputWidth ? end : outputWidth;
    *first = begin;
    *last = end > begin ? end : begin;
}

GN_I8_TARGET static void GN_I8_NAME(maxPoolPlane)(const unsigned char *restrict input, const gn_window *w,
                                                  unsigned char *restrict output) {
    // 2x2 windows at stride 2 without padding (VGG's and LeNet's pools): 16 outputs from 32 codes of two rows, the
    // vertical maximum, then the larger of each even and odd code.
    if (w->kernelHeight == 2 && w->kernelWidth == 2 && w->strideHeight == 2 && w->strideWidth == 2 &&
        w->paddingHeight == 0 && w->paddingWidth == 0 && w->dilationHeight == 1 && w->dilationWidth == 1) {
        typedef unsigned char codes16 __attribute__((ext_vector_type(16), aligned(1)));
        typedef unsigned char codes32 __attribute__((ext_vector_type(32), aligned(1)));
        const int ow = w->outputWidth, whole = ow - ow % 16;
        for (int oy = 0; oy < w->outputHeight; oy++) {
            const unsigned char *restrict top = input + (size_t)(2 * oy) * w->inputWidth;
            const unsigned char *restrict bottom = top + w->inputWidth;
            unsigned char *restrict out = output + (size_t)oy * ow;
            for (int ox = 0; ox < whole; ox += 16) {
                const codes32 rows =
                    __builtin_elementwise_max(*(const codes32 *)(top + 2 * ox), *(const codes32 *)(bottom + 2 * ox));
                const codes16 even =
                    __builtin_shufflevector(rows, rows, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
                const codes16 odd =
                    __builtin_shufflevector(rows, rows, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
                *(codes16 *)(out + ox) = __builtin_elementwise_max(even, odd);
            }
            for (int ox = whole; ox < ow; ox++) {
                const unsigned char a = top[2 * ox] > top[2 * ox + 1] ? top[2 * ox] : top[2 * ox + 1];
                const unsigned char b = bottom[2 * ox] > bottom[2 * ox + 1] ? bottom[2 * ox] : bottom[2 * ox + 1];
                out[ox] = a > b ? a : b;
            }
        }
        return;
    }
    const int sw = w->strideWidth, ow = w->outputWidth;
    for (int oy = 0; oy < w->outputHeight; oy++) {
        unsigned char *restrict best = output + (size_t)oy * ow;
        for (int ox = 0; ox < ow; ox++) best[ox] = 0;
        for (int ky = 0; ky < w->kernelHeight; ky++) {
            const int y = oy * w->strideHeight - w->paddingHeight + ky * w->dilationHeight;
            if (y < 0 || y >= w->inputHeight) continue;
            const unsigned char *restrict row = input + (size_t)y * w->inputWidth;
            for (int kx = 0; kx < w->kernelWidth; kx++) {
                const int offset = kx * w->dilationWidth - w->paddingWidth;
                int first, last;
                GN_I8_NAME(insideRange)(offset, sw, w->inputWidth, ow, &first, &last);
                for (int ox = first; ox < last; ox++) {
                    const unsigned char value = row[(ptrdiff_t)ox * sw + offset];
                    best[ox] = value > best[ox] ? value : best[ox];
                }
            }
        }
    }
}

GN_I8_TARGET static void GN_I8_NAME(averagePoolPlane)(const unsigned char *restrict input, const gn_window *w,
                                                      int countPadding, unsigned char padValue,
                                                      unsigned char *restrict output) {
    for (int oy = 0; oy < w->outputHeight; oy++) {
        for (int ox = 0; ox < w->outputWidth; ox++) {
            uint32_t sum = 0, inside = 0, padded = 0;
            for (int ky = 0; ky < w->kernelHeight; ky++) {
                const int y = oy * w->strideHeight - w->paddingHeight + ky;
                for (int kx = 0; kx < w->kernelWidth; kx++) {
                    const int x = ox * w->strideWidth - w->paddingWidth + kx;
                    if (y >= 0 && y < w->inputHeight && x >= 0 && x < w->inputWidth) {
                        sum += input[(size_t)y * w->inputWidth + x];
                        inside += 1;
                    } else if (y < w->inputHeight + w->paddingHeight && x < w->inputWidth + w->paddingWidth) {
                        padded += 1;
                    }
                }
            }
            const uint32_t divisor = countPadding ? inside + padded : inside;
            if (countPadding) sum += padded * padValue;
            output[(size_t)oy * w->outputWidth + ox] = GN_I8_NAME(roundedMean)(sum, divisor);
        }
    }
}

GN_I8_TARGET static unsigned char GN_I8_NAME(mean)(const unsigned char *restrict values, size_t count) {
    uint64_t sum = 0;
    for (size_t i = 0; i < count; i++) sum += values[i];
    return GN_I8_NAME(roundedMean)(sum, count);
}

GN_I8_TARGET static void GN_I8_NAME(quantize)(const float *restrict input, size_t count, float inverseScale,
                                              float zeroPoint, unsigned char *restrict output) {
#pragma clang fp contract(off)
    for (size_t i = 0; i < count; i++) {
        float t = input[i] * inverseScale;
        t = t + zeroPoint;
        t = t == t ? t : zeroPoint;
        t = t > 0 ? t : 0;
        t = t < 255 ? t : 255;
        output[i] = (unsigned char)GN_I8_NAME(roundEven)(t);
    }
}

GN_I8_TARGET static void GN_I8_NAME(requantize)(const float *restrict sums, size_t count, float multiplier,
                                                float shift, float lower, float upper, unsigned char *restrict output) {
#pragma clang fp contract(off)
    for (size_t i = 0; i < count; i++) {
        float t = sums[i] * multiplier;
        t = t + shift;
        t = t > lower ? t : lower;
        t = t < upper ? t : upper;
        output[i] = (unsigned char)GN_I8_NAME(roundEven)(t);
    }
}

GN_I8_TARGET static void GN_I8_NAME(dequantize)(const unsigned char *restrict input, size_t count, float zeroPoint,
                                                float scale, float *restrict output) {
#pragma clang fp contract(off)
    for (size_t i = 0; i < count; i++) output[i] = ((float)input[i] - zeroPoint) * scale;
}

GN_I8_TARGET static void GN_I8_NAME(add)(const unsigned char *restrict first, float firstZero, float firstMultiplier,
                                         const unsigned char *restrict second, float secondZero,
                                         float secondMultiplier, size_t count, float outputZero, float lower,
                                         float upper, unsigned char *restrict output) {
#pragma clang fp contract(off)
    for (size_t i = 0; i < count; i++) {
        float t = ((float)first[i] - firstZero) * firstMultiplier;
        if (second) {
            const float u = ((float)second[i] - secondZero) * secondMultiplier;
            t = t + u;
        }
        t = t + outputZero;
        t = t > lower ? t : lower;
        t = t < upper ? t : upper;
        output[i] = (unsigned char)GN_I8_NAME(roundEven)(t);
    }
}

// MARK: depthwise convs 16 channels a vector
//
// depthwiseChannels: a block of 16 channels' planes transposed into a padded plane of 16 floats a position (the codes
// as they are, the frame the zero point), so that a vector holds one position's 16 channels; each output position's
// sums start from -zeroPoint * (the sum of its channel's weights) and add code * weight tap by tap (vector FMAs).
// Every partial sum is an integer below 2 * 255 * 127 * taps < 2^24 for up to GN_INT8_DEPTHWISE_MAX_TAPS taps, so
// the float sums are the int32 sums exactly. The sums are requantized as requantize does and transposed back into
// the output planes. Planes 16 or more codes wide are padded and summed in bands of rows that stay in L1.

// The 16 x 16 codes x[r][c] transposed in place by four rounds of unpacks (of single codes, pairs, quads and
// octets), each interleaving the two registers whose indices differ in one bit: afterwards x[gn_reversed4[c]] holds
// column c (the rounds leave a register's index with its 4 bits reversed).
// The shuffle indices of each round: the low and high halves of two registers interleaved 1, 2, 4 and 8 codes at a
// time.
#ifndef GN_I8_TRANSPOSE_ROUNDS
#define GN_I8_TRANSPOSE_ROUNDS
#define GN_I8_LOW_1 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23
#define GN_I8_HIGH_1 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31
#define GN_I8_LOW_2 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23
#define GN_I8_HIGH_2 8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31
#define GN_I8_LOW_4 0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23
#define GN_I8_HIGH_4 8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31
#define GN_I8_LOW_8 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23
#define GN_I8_HIGH_8 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31
// One round: registers i and i + bit (bit clear in i) replaced by their interleaved low and high halves.
#define GN_I8_ROUND(x, bit, LOW, HIGH)                                                                             \
    _Pragma("unroll") for (int i = 0; i < 16; i++) {                                                               \
        if (i & (bit)) continue;                                                                                   \
        const gn_codes16 a = (x)[i], b = (x)[i + (bit)];                                                           \
        (x)[i] = __builtin_shufflevector(a, b, LOW);                                                               \
        (x)[i + (bit)] = __builtin_shufflevector(a, b, HIGH);                                                      \
    }
#endif

GN_I8_TARGET static inline __attribute__((always_inline)) void GN_I8_NAME(transposeCodes)(gn_codes16 x[16]) {
    GN_I8_ROUND(x, 1, GN_I8_LOW_1, GN_I8_HIGH_1)
    GN_I8_ROUND(x, 2, GN_I8_LOW_2, GN_I8_HIGH_2)
    GN_I8_ROUND(x, 4, GN_I8_LOW_4, GN_I8_HIGH_4)
    GN_I8_ROUND(x, 8, GN_I8_LOW_8, GN_I8_HIGH_8)
}

// 16 positions' codes of 16 planes (inputPlane bytes apart; channels of them, the rest read as 0) as 16 floats a
// position: values[j] holds position j's channels (a 16 x 16 transpose).
GN_I8_TARGET static inline __attribute__((always_inline)) void
GN_I8_NAME(convertCodes)(const unsigned char *restrict source, size_t inputPlane, int channels,
                         gn_floats16 values[16]) {
    gn_codes16 codes[16];
#pragma unroll
    for (int c = 0; c < 16; c++)
        codes[c] = c < channels ? *(const gn_codes16 *)(source + (size_t)c * inputPlane) : (gn_codes16)0;
    GN_I8_NAME(transposeCodes)(codes);
#pragma unroll
    for (int j = 0; j < 16; j++) values[j] = __builtin_convertvector(codes[gn_reversed4[j]], gn_floats16);
}

#if GN_I8_KIND == 3
// 64 positions' codes of 16 whole planes (inputPlane bytes apart) transposed into codes[q] (position q's 16
// channels): the rounds of transposeCodes on 512-bit vectors, one 16-position group per 128-bit lane.
GN_I8_TARGET static inline __attribute__((always_inline)) void
GN_I8_NAME(transposeCodes64)(const unsigned char *restrict source, size_t inputPlane,
                             unsigned char codes[64][16]) {
    __m512i z[16];
#pragma unroll
    for (int c = 0; c < 16; c++) z[c] = _mm512_loadu_si512((const void *)(source + (size_t)c * inputPlane));
#pragma unroll
    for (int r = 0; r < 16; r += 2) {
        const __m512i a = z[r], b = z[r + 1];
        z[r] = _mm512_unpacklo_epi8(a, b), z[r + 1] = _mm512_unpackhi_epi8(a, b);
    }
#pragma unroll
    for (int r = 0; r < 16; r++) {
        if (r & 2) continue;
        const __m512i a = z[r], b = z[r + 2];
        z[r] = _mm512_unpacklo_epi16(a, b), z[r + 2] = _mm512_unpackhi_epi16(a, b);
    }
#pragma unroll
    for (int r = 0; r < 16; r++) {
        if (r & 4) continue;
        const __m512i a = z[r], b = z[r + 4];
        z[r] = _mm512_unpacklo_epi32(a, b), z[r + 4] = _mm512_unpackhi_epi32(a, b);
    }
    unsigned char lanes[16][64] __attribute__((aligned(64)));
#pragma unroll
    for (int r = 0; r < 8; r++) {
        _mm512_store_si512((void *)lanes[r], _mm512_unpacklo_epi64(z[r], z[r + 8]));
        _mm512_store_si512((void *)lanes[r + 8], _mm512_unpackhi_epi64(z[r], z[r + 8]));
    }
    for (int lane = 0; lane < 4; lane++) {
#pragma unroll
        for (int j = 0; j < 16; j++) memcpy(codes[16 * lane + j], lanes[gn_reversed4[j]] + 16 * lane, 16);
    }
}
#endif

// The whole padded block of a plane narrower than 16 codes: [H + 2*padH][W + 2*padW] positions of 16 floats, the
// frame zeroPoint; the codes 16 positions at a time (a 16 x 16 transpose; 64 at a time on AVX-512 where the block's
// 16 channels are whole), the last 16 overlapping the ones before (planes of fewer than 16 codes one by one).
GN_I8_TARGET static void GN_I8_NAME(padChannels)(const unsigned char *restrict input, size_t inputPlane,
                                                  int channels, const gn_window *restrict w, float zeroPoint,
                                                  gn_floats16 *restrict padded) {
    const int height = w->inputHeight, width = w->inputWidth, padH = w->paddingHeight, padW = w->paddingWidth;
    const int paddedWidth = width + 2 * padW, paddedHeight = height + 2 * padH;
    for (int y = 0; y < padH; y++) {
        for (int x = 0; x < paddedWidth; x++) {
            padded[y * paddedWidth + x] = zeroPoint;
            padded[(paddedHeight - 1 - y) * paddedWidth + x] = zeroPoint;
        }
    }
    for (int y = padH; y < padH + height; y++) {
        for (int x = 0; x < padW; x++) {
            padded[y * paddedWidth + x] = zeroPoint;
            padded[y * paddedWidth + padW + width + x] = zeroPoint;
        }
    }
    // Position i of the plane (row y, column x) lands at padded[(y + padH) * paddedWidth + padW + x].
    const int count = height * width;
    int i = 0, y = padH, x = padW;
#if GN_I8_KIND == 3
    for (; channels == 16 && i + 64 <= count; i += 64) {
        unsigned char codes[64][16] __attribute__((aligned(16)));
        GN_I8_NAME(transposeCodes64)(input + i, inputPlane, codes);
#pragma unroll 16
        for (int q = 0; q < 64; q++) {
            _mm512_storeu_ps((float *)&padded[y * paddedWidth + x],
                             _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm_load_si128((const __m128i *)codes[q]))));
            if (++x == padW + width) x = padW, y++;
        }
    }
#endif
    if (count < 16) {
        for (; i < count; i++) {
            gn_floats16 values = 0;
            for (int c = 0; c < channels; c++) values[c] = (float)input[(size_t)c * inputPlane + i];
            padded[y * paddedWidth + x] = values;
            if (++x == padW + width) x = padW, y++;
        }
        return;
    }
    while (i < count) {
        if (i + 16 > count) {
            i = count - 16;
            y = padH + i / width, x = padW + i % width;
        }
        gn_floats16 values[16];
        GN_I8_NAME(convertCodes)(input + i, inputPlane, channels, values);
#pragma unroll
        for (int j = 0; j < 16; j++) {
            padded[y * paddedWidth + x] = values[j];
            if (++x == padW + width) x = padW, y++;
        }
        i += 16;
    }
}

// Padded rows [firstRow, lastRow) of a block of planes 16 or more codes wide, one after the other from padded: the
// frame zeroPoint, each row's codes 16 positions at a time (64 on AVX-512), the last group overlapping the one
// before where the row is no multiple of it.
GN_I8_TARGET static void GN_I8_NAME(padRows)(const unsigned char *restrict input, size_t inputPlane, int channels,
                                              const gn_window *restrict w, float zeroPoint, int firstRow, int lastRow,
                                              gn_floats16 *restrict padded) {
    const int width = w->inputWidth, padW = w->paddingWidth, paddedWidth = width + 2 * padW;
    for (int r = firstRow; r < lastRow; r++) {
        gn_floats16 *restrict out = padded + (size_t)(r - firstRow) * paddedWidth;
        const int y = r - w->paddingHeight;
        if (y < 0 || y >= w->inputHeight) {
            for (int x = 0; x < paddedWidth; x++) out[x] = zeroPoint;
            continue;
        }
        for (int x = 0; x < padW; x++) out[x] = zeroPoint, out[padW + width + x] = zeroPoint;
        const unsigned char *restrict row = input + (size_t)y * width;
        out += padW;
        int start = 0;
#if GN_I8_KIND == 3
        for (; channels == 16 && start < width && width >= 64; start += 64) {
            const int x = start + 64 <= width ? start : width - 64;
            unsigned char codes[64][16] __attribute__((aligned(16)));
            GN_I8_NAME(transposeCodes64)(row + x, inputPlane, codes);
#pragma unroll 16
            for (int q = 0; q < 64; q++) {
                _mm512_storeu_ps((float *)&out[x + q],
                                 _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm_load_si128((const __m128i *)codes[q]))));
            }
        }
#endif
        for (; start < width; start += 16) {
            const int x = start + 16 <= width ? start : width - 16;
            gn_floats16 values[16];
            GN_I8_NAME(convertCodes)(row + x, inputPlane, channels, values);
#pragma unroll
            for (int j = 0; j < 16; j++) out[x + j] = values[j];
        }
    }
}

// The requantized codes of 16 channels' sums at one position, as requantize computes them.
GN_I8_TARGET static inline __attribute__((always_inline)) gn_codes16
GN_I8_NAME(requantizeChannels)(const gn_floats16 *sums, const gn_floats16 *multiplier, const gn_floats16 *shift,
                               float lower, float upper) {
#pragma clang fp contract(off)
    const float magic = 12582912.0f;
    gn_floats16 t = *sums * *multiplier;
    t = t + *shift;
    t = t > lower ? t : lower;
    t = t < upper ? t : upper;
#if GN_I8_KIND == 3
    (void)magic;
    return (gn_codes16)_mm512_cvtepi32_epi8(_mm512_cvtps_epi32((__m512)t));
#else
    t = (t + magic) - magic;
    return __builtin_convertvector(__builtin_convertvector(t, gn_ints16), gn_codes16);
#endif
}

// The requantized codes of output rows [rowBegin, rowEnd) (16 channels a position) from the padded rows that start
// at padded row firstRow, kH x kW taps (constants once inlined), every sum starting from `start`: 4 positions of a
// row at a time, the last 4 of a row overlapping the ones before where the row is not a multiple of 4 wide (those
// positions are computed twice, alike), rows narrower than 4 a position at a time.
GN_I8_TARGET static inline __attribute__((always_inline)) void
GN_I8_NAME(depthwiseRows)(const int kH, const int kW, const int step, const gn_floats16 *restrict padded,
                          int paddedWidth, int firstRow, int rowBegin, int rowEnd, const gn_window *restrict w,
                          const float *restrict weights, const gn_floats16 *restrict start,
                          const gn_floats16 *restrict multiplier, const gn_floats16 *restrict shift,
                          const gn_requantization *restrict rq, gn_codes16 *restrict staged) {
    const gn_floats16 *restrict kernel = (const gn_floats16 *)weights;
    const int outputWidth = w->outputWidth;
    const int tapRow = w->dilationHeight * paddedWidth, tapColumn = w->dilationWidth;
    const int chunk = outputWidth < 4 ? 1 : 4;
    for (int oy = rowBegin; oy < rowEnd; oy++) {
        const gn_floats16 *restrict row = padded + (oy * w->strideHeight - firstRow) * paddedWidth;
        gn_codes16 *restrict out = staged + oy * outputWidth;
        for (int first = 0; first < outputWidth; first += chunk) {
            const int ox = first + chunk <= outputWidth ? first : outputWidth - chunk;
            if (chunk == 4) {
                gn_floats16 sums[4] = {*start, *start, *start, *start};
                for (int ky = 0; ky < kH; ky++) {
                    for (int kx = 0; kx < kW; kx++) {
#pragma clang fp contract(fast)
                        const gn_floats16 tap = kernel[ky * kW + kx];
                        const gn_floats16 *restrict at = row + ox * step + ky * tapRow + kx * tapColumn;
#pragma unroll
                        for (int r = 0; r < 4; r++) sums[r] += at[r * step] * tap;
                    }
                }
#if GN_I8_KIND == 3
                // The 4 positions' codes narrowed by packs (each 128-bit lane holds 4 codes of every position),
                // put in order by one dword permutation and stored at once: vpmovdb to memory is slow on Zen cores.
                __m512i codes[4];
#pragma unroll
                for (int r = 0; r < 4; r++) {
                    __m512 t = _mm512_mul_ps((__m512)sums[r], (__m512)*multiplier);
                    t = _mm512_add_ps(t, (__m512)*shift);
                    t = _mm512_min_ps(_mm512_max_ps(t, _mm512_set1_ps(rq->lower)), _mm512_set1_ps(rq->upper));
                    codes[r] = _mm512_cvtps_epi32(t);
                }
                const __m512i bytes = _mm512_packus_epi16(_mm512_packs_epi32(codes[0], codes[1]),
                                                          _mm512_packs_epi32(codes[2], codes[3]));
                const __m512i order = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
                _mm512_storeu_si512((void *)(out + ox), _mm512_permutexvar_epi32(order, bytes));
#elif GN_I8_KIND >= 1
                // Each position's two halves of 8 channels narrowed by one signed pack, two positions' by one
                // unsigned pack (dwords: channels 0-3, 8-11 of the first, of the second, then 4-7, 12-15 of each),
                // put in order by one dword permutation: 32 codes a store.
#define GN_I8_LOW(v) (__m256) __builtin_shufflevector(v, v, 0, 1, 2, 3, 4, 5, 6, 7)
#define GN_I8_HIGH(v) (__m256) __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15)
                const __m256 scale[2] = {GN_I8_LOW(*multiplier), GN_I8_HIGH(*multiplier)};
                const __m256 offset[2] = {GN_I8_LOW(*shift), GN_I8_HIGH(*shift)};
                __m256i words[4];
#pragma unroll
                for (int r = 0; r < 4; r++) {
                    words[r] = _mm256_packs_epi32(
                        GN_I8_NAME(requantizeFloats)(GN_I8_LOW(sums[r]), scale[0], offset[0], rq->lower, rq->upper),
                        GN_I8_NAME(requantizeFloats)(GN_I8_HIGH(sums[r]), scale[1], offset[1], rq->lower, rq->upper));
                }
#undef GN_I8_LOW
#undef GN_I8_HIGH
                const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
#pragma unroll
                for (int q = 0; q < 2; q++) {
                    const __m256i bytes = _mm256_packus_epi16(words[2 * q], words[2 * q + 1]);
                    _mm256_storeu_si256((__m256i *)(out + ox + 2 * q), _mm256_permutevar8x32_epi32(bytes, order));
                }
#else
#pragma unroll
                for (int r = 0; r < 4; r++)
                    out[ox + r] = GN_I8_NAME(requantizeChannels)(&sums[r], multiplier, shift, rq->lower, rq->upper);
#endif
            } else {
                gn_floats16 sum = *start;
                for (int ky = 0; ky < kH; ky++) {
                    for (int kx = 0; kx < kW; kx++) {
#pragma clang fp contract(fast)
                        sum += row[ox * step + ky * tapRow + kx * tapColumn] * kernel[ky * kW + kx];
                    }
                }
                out[ox] = GN_I8_NAME(requantizeChannels)(&sum, multiplier, shift, rq->lower, rq->upper);
            }
        }
    }
}

// depthwiseRows on output rows [rowBegin, rowEnd), its 3x3 cases at strides 1 and 2 unrolled.
GN_I8_TARGET static void GN_I8_NAME(depthwiseBand)(const gn_floats16 *restrict padded, int paddedWidth, int firstRow,
                                                    int rowBegin, int rowEnd, const gn_window *restrict w,
                                                    const float *restrict weights, const gn_floats16 *restrict start,
                                                    const gn_floats16 *restrict multiplier,
                                                    const gn_floats16 *restrict shift,
                                                    const gn_requantization *restrict rq,
                                                    gn_codes16 *restrict staged) {
    const int square3 = w->kernelHeight == 3 && w->kernelWidth == 3 && w->dilationWidth == 1;
    if (square3 && w->strideWidth == 1)
        GN_I8_NAME(depthwiseRows)(3, 3, 1, padded, paddedWidth, firstRow, rowBegin, rowEnd, w, weights, start,
                                  multiplier, shift, rq, staged);
    else if (square3 && w->strideWidth == 2)
        GN_I8_NAME(depthwiseRows)(3, 3, 2, padded, paddedWidth, firstRow, rowBegin, rowEnd, w, weights, start,
                                  multiplier, shift, rq, staged);
    else
        GN_I8_NAME(depthwiseRows)(w->kernelHeight, w->kernelWidth, w->strideWidth, padded, paddedWidth, firstRow,
                                  rowBegin, rowEnd, w, weights, start, multiplier, shift, rq, staged);
}

GN_I8_TARGET static void GN_I8_NAME(depthwiseChannels)(const unsigned char *restrict input, size_t inputPlane,
                                                        int channels, const gn_window *restrict w,
                                                        const float *restrict weights,
                                                        const gn_requantization *restrict rq, float *restrict workspace,
                                                        unsigned char *restrict output, size_t outputPlane) {
    gn_floats16 *restrict padded = (gn_floats16 *)workspace;
    const int paddedWidth = w->inputWidth + 2 * w->paddingWidth;
    const int outputWidth = w->outputWidth, outputHeight = w->outputHeight, positions = outputHeight * outputWidth;
    const int bandRows = gn_depthwise_band_rows(w);
    gn_codes16 *restrict staged = (gn_codes16 *)(padded + (size_t)gn_depthwise_padded_rows(w, bandRows) * paddedWidth);
    const float zeroPoint = (float)rq->inputZeroPoint;
    gn_floats16 multiplier = 0, shift = 0, start = 0;
    for (int c = 0; c < channels; c++) multiplier[c] = rq->multiplier[c], shift[c] = rq->shift[c];
    for (int t = 0; t < w->kernelHeight * w->kernelWidth; t++) start += ((const gn_floats16 *)weights)[t];
    start *= -zeroPoint;
    if (bandRows >= outputHeight) {
        GN_I8_NAME(padChannels)(input, inputPlane, channels, w, zeroPoint, padded);
        GN_I8_NAME(depthwiseBand)(padded, paddedWidth, 0, 0, outputHeight, w, weights, &start, &multiplier, &shift,
                                  rq, staged);
    } else {
        for (int begin = 0; begin < outputHeight; begin += bandRows) {
            const int end = begin + bandRows < outputHeight ? begin + bandRows : outputHeight;
            const int firstRow = begin * w->strideHeight;
            const int lastRow = (end - 1) * w->strideHeight + (w->kernelHeight - 1) * w->dilationHeight + 1;
            GN_I8_NAME(padRows)(input, inputPlane, channels, w, zeroPoint, firstRow, lastRow, padded);
            GN_I8_NAME(depthwiseBand)(padded, paddedWidth, firstRow, begin, end, w, weights, &start, &multiplier,
                                      &shift, rq, staged);
        }
    }
    // Back into planes 16 positions at a time, the last 16 overlapping the ones before (fewer than 16 one by one).
    if (positions < 16) {
        for (int i = 0; i < positions; i++)
            for (int c = 0; c < channels; c++) output[(size_t)c * outputPlane + i] = staged[i][c];
        return;
    }
    for (int first = 0; first < positions; first += 16) {
        const int i = first + 16 <= positions ? first : positions - 16;
        gn_codes16 codes[16];
#pragma unroll
        for (int j = 0; j < 16; j++) codes[j] = staged[i + j];
        GN_I8_NAME(transposeCodes)(codes);
#pragma unroll
        for (int c = 0; c < 16; c++)
            if (c < channels) *(gn_codes16 *)(output + (size_t)c * outputPlane + i) = codes[gn_reversed4[c]];
    }
}

// MARK: convolutions by dot products of 4 horizontal taps
//
// convolveDots: an output row sums, over the input channels, the kernel's rows and its groups of 4 horizontal taps,
// dot products of a tap group's 4 weights with the 4 codes a dword of a padded row holds (GN_I8_DOT). A vector loaded
// at byte 4j + phase * stride past where a run of outputs' windows start holds in lane j the codes of output
// j * phases + phase's window, for stride 1 (4 phases), 2 (2) and 4 (1): one vpdpbusd (AVX2: vpsignb, vpmaddubsw,
// vpmaddwd, vpaddd) sums up to 4 taps of 16 outputs (8 on AVX-VNNI and AVX2), and each load serves a block of output
// channels. The phases' sums are requantized as the gemm's and interleaved back into order. Other strides, dilated
// rows, and portable C sum tap by tap. Used for depthwise convs (one channel, one output) and dense convs on a few
// input channels.

// The sums of every output tap by tap, as plain loops (every geometry).
GN_I8_TARGET static void GN_I8_NAME(convolveTaps)(const unsigned char *restrict padded, size_t paddedPlane,
                                                   int channels, const gn_window *restrict w,
                                                   const int32_t *restrict quads, const int32_t *restrict rowSums,
                                                   int outputs, const gn_requantization *restrict rq,
                                                   unsigned char *restrict output, size_t outputPlane) {
    const int paddedWidth = w->inputWidth + 2 * w->paddingWidth, groups = (w->kernelWidth + 3) / 4;
    for (int o = 0; o < outputs; o++) {
        const signed char *restrict weights =
            (const signed char *)(quads + (size_t)o * channels * w->kernelHeight * groups);
        for (int oy = 0; oy < w->outputHeight; oy++) {
            for (int ox = 0; ox < w->outputWidth; ox++) {
                int32_t sum = 0;
                for (int c = 0; c < channels; c++) {
                    for (int ky = 0; ky < w->kernelHeight; ky++) {
                        const unsigned char *restrict row =
                            padded + c * paddedPlane +
                            (size_t)(oy * w->strideHeight + ky * w->dilationHeight) * paddedWidth +
                            (size_t)ox * w->strideWidth;
                        const signed char *restrict taps = weights + 4 * (size_t)((c * w->kernelHeight + ky) * groups);
                        for (int kx = 0; kx < w->kernelWidth; kx++) sum += row[kx * w->dilationWidth] * taps[kx];
                    }
                }
                unsigned char *restrict out = output + o * outputPlane + (size_t)oy * w->outputWidth + ox;
                GN_I8_NAME(requantizeRow)(&sum, 1, -rq->inputZeroPoint * rowSums[o], rq->multiplier[o], rq->shift[o],
                                          rq->lower, rq->upper, out);
            }
        }
    }
}

#if GN_I8_KIND >= 1
// The dot-product rows at stride `stride` (1, 2 or 4), for blocks of `block` output channels, over kH kernel rows of
// `groups` tap groups (all constants once inlined); block 1 is a depthwise conv's one channel and one output.
GN_I8_TARGET static inline __attribute__((always_inline)) void
GN_I8_NAME(convolveRows)(const int stride, const int block, const int kH, const int groups,
                         const unsigned char *restrict padded, size_t paddedPlane, int inputChannels,
                         const gn_window *restrict w, const int32_t *restrict quads, const int32_t *restrict rowSums,
                         int outputs, const gn_requantization *restrict rq, unsigned char *restrict output,
                         size_t outputPlane) {
#if GN_I8_KIND == 3
    typedef __m512i ivec;
#define GN_I8_LANES_DOT 16
#define GN_I8_SET1(x) _mm512_set1_epi32(x)
#define GN_I8_LOADU(p) _mm512_loadu_si512((const void *)(p))
#else
    typedef __m256i ivec;
#define GN_I8_LANES_DOT 8
#define GN_I8_SET1(x) _mm256_set1_epi32(x)
#define GN_I8_LOADU(p) _mm256_loadu_si256((const __m256i *)(p))
#endif
    const int phases = 4 / stride, span = GN_I8_LANES_DOT * phases;
    const int channels = block == 1 ? 1 : inputChannels;
    const int outputWidth = w->outputWidth, paddedWidth = w->inputWidth + 2 * w->paddingWidth;
    const size_t weightsPerOutput = (size_t)channels * kH * groups;
    const float lower = rq->lower, upper = rq->upper;
    for (int oy = 0; oy < w->outputHeight; oy++) {
        for (int first = 0; first < outputWidth; first += span) {
            const int count = outputWidth - first < span ? outputWidth - first : span;
            for (int o0 = 0; o0 < outputs; o0 += block) {
                const int present = outputs - o0 < block ? outputs - o0 : block;
                ivec acc[8][4];
#pragma unroll
                for (int b = 0; b < block; b++) {
                    const int32_t correction =
                        b < present ? (GN_I8_OFFSET - rq->inputZeroPoint) * rowSums[o0 + b] : 0;
#pragma unroll
                    for (int p = 0; p < phases; p++) acc[b][p] = GN_I8_SET1(correction);
                }
                for (int c = 0; c < channels; c++) {
                    for (int ky = 0; ky < kH; ky++) {
                        const unsigned char *restrict row =
                            padded + c * paddedPlane +
                            (size_t)(oy * w->strideHeight + ky * w->dilationHeight) * paddedWidth +
                            (size_t)first * stride;
                        const int32_t *restrict taps = quads + (size_t)o0 * weightsPerOutput + (c * kH + ky) * groups;
                        for (int g = 0; g < groups; g++) {
                            ivec x[4], magnitude[4];
#pragma unroll
                            for (int p = 0; p < phases; p++) {
                                x[p] = GN_I8_FLIP(GN_I8_LOADU(row + p * stride + 4 * g));
                                magnitude[p] = GN_I8_MAGNITUDE(x[p]);
                            }
#pragma unroll
                            for (int b = 0; b < block; b++) {
                                // Rows past the last output read its weights again (their sums are never stored).
                                const size_t at = (size_t)(b < present ? b : 0) * weightsPerOutput + g;
                                const ivec weights = GN_I8_SET1(taps[at]);
#pragma unroll
                                for (int p = 0; p < phases; p++)
                                    acc[b][p] = GN_I8_DOT(acc[b][p], x[p], magnitude[p], weights);
                            }
                        }
                    }
                }
#pragma unroll
                for (int b = 0; b < block; b++) {
                    if (b >= present) break;
                    const int o = o0 + b;
                    const float multiplier = rq->multiplier[o], shift = rq->shift[o];
                    // Lane j of phase p is output first + j * phases + p: the phases interleaved code by code.
                    __m128i ordered[4];
#if GN_I8_KIND != 3
                    if (phases == 4) {
                        const __m256i codes =
                            GN_I8_NAME(requantizeInterleaved4)(acc[b], multiplier, shift, lower, upper);
                        ordered[0] = _mm256_castsi256_si128(codes), ordered[1] = _mm256_extracti128_si256(codes, 1);
                    } else if (phases == 2) {
                        ordered[0] = GN_I8_NAME(requantizeInterleaved2)(acc[b], multiplier, shift, lower, upper);
                    } else {
                        ordered[0] = GN_I8_NAME(requantizeLanes)(acc[b][0], multiplier, shift, lower, upper);
                    }
#else
                    __m128i codes[4];
#pragma unroll
                    for (int p = 0; p < phases; p++)
                        codes[p] = GN_I8_NAME(requantizeLanes)(acc[b][p], multiplier, shift, lower, upper);
                    if (phases == 4) {
                        const __m128i ab0 = _mm_unpacklo_epi8(codes[0], codes[1]);
                        const __m128i ab1 = _mm_unpackhi_epi8(codes[0], codes[1]);
                        const __m128i cd0 = _mm_unpacklo_epi8(codes[2], codes[3]);
                        const __m128i cd1 = _mm_unpackhi_epi8(codes[2], codes[3]);
                        ordered[0] = _mm_unpacklo_epi16(ab0, cd0), ordered[1] = _mm_unpackhi_epi16(ab0, cd0);
                        ordered[2] = _mm_unpacklo_epi16(ab1, cd1), ordered[3] = _mm_unpackhi_epi16(ab1, cd1);
                    } else if (phases == 2) {
                        ordered[0] = _mm_unpacklo_epi8(codes[0], codes[1]);
                        ordered[1] = _mm_unpackhi_epi8(codes[0], codes[1]);
                    } else {
                        ordered[0] = codes[0];
                    }
#endif
                    unsigned char *restrict out = output + o * outputPlane + (size_t)oy * outputWidth + first;
#pragma unroll
                    for (int i = 0; i < span / 16 + (span < 16); i++) {
                        const int left = count - 16 * i;
                        if (left >= 16) {
                            _mm_storeu_si128((__m128i *)(out + 16 * i), ordered[i]);
                        } else if (left > 0) {
#if GN_I8_KIND == 3
                            _mm_mask_storeu_epi8(out + 16 * i, (__mmask16)((1u << left) - 1), ordered[i]);
#else
                            unsigned char lane[16];
                            _mm_storeu_si128((__m128i *)lane, ordered[i]);
                            for (int j = 0; j < left; j++) out[16 * i + j] = lane[j];
#endif
                        }
                    }
                }
            }
        }
    }
#undef GN_I8_LANES_DOT
#undef GN_I8_SET1
#undef GN_I8_LOADU
}
#endif

GN_I8_TARGET static void GN_I8_NAME(convolveDots)(const unsigned char *restrict padded, size_t paddedPlane,
                                                   int channels, const gn_window *restrict w,
                                                   const int32_t *restrict quads, const int32_t *restrict rowSums,
                                                   int outputs, const gn_requantization *restrict rq,
                                                   unsigned char *restrict output, size_t outputPlane) {
#if GN_I8_KIND >= 1
    const int stride = w->strideWidth, kH = w->kernelHeight, groups = (w->kernelWidth + 3) / 4;
    if (w->dilationWidth == 1 && (stride == 1 || stride == 2 || stride == 4)) {
#define GN_I8_ROWS(S, B, KH, G)                                                                                    \
    GN_I8_NAME(convolveRows)(S, B, KH, G, padded, paddedPlane, channels, w, quads, rowSums, outputs, rq, output,    \
                             outputPlane)
        // Blocks of output channels keep 16 accumulators (one for a depthwise conv's single output); on AVX2, whose
        // loads also keep their magnitudes in the 16 ymm registers, 2 at stride 1 and 4 at stride 2 (1 is depthwise).
#if GN_I8_KIND == 1
#define GN_I8_BLOCK1 2
#define GN_I8_BLOCK2 4
#else
#define GN_I8_BLOCK1 4
#define GN_I8_BLOCK2 8
#endif
        const int single = outputs == 1 && channels == 1;
        if (kH == 3 && groups == 1 && stride == 1) {
            if (single) GN_I8_ROWS(1, 1, 3, 1); else GN_I8_ROWS(1, GN_I8_BLOCK1, 3, 1);
        } else if (kH == 3 && groups == 1 && stride == 2) {
            if (single) GN_I8_ROWS(2, 1, 3, 1); else GN_I8_ROWS(2, GN_I8_BLOCK2, 3, 1);
        } else if (stride == 1) {
            if (single) GN_I8_ROWS(1, 1, kH, groups); else GN_I8_ROWS(1, GN_I8_BLOCK1, kH, groups);
        } else if (stride == 2) {
            if (single) GN_I8_ROWS(2, 1, kH, groups); else GN_I8_ROWS(2, GN_I8_BLOCK2, kH, groups);
        } else {
            if (single) GN_I8_ROWS(4, 1, kH, groups); else GN_I8_ROWS(4, 8, kH, groups);
        }
#undef GN_I8_ROWS
#undef GN_I8_BLOCK1
#undef GN_I8_BLOCK2
        return;
    }
#endif
    GN_I8_NAME(convolveTaps)(padded, paddedPlane, channels, w, quads, rowSums, outputs, rq, output, outputPlane);
}

static const gn_int8_kernel_table GN_I8_NAME(int8_table) = {
    .gemm = GN_I8_NAME(gemm),
    .requantize = GN_I8_NAME(requantize),
    .windowGemm = GN_I8_NAME(windowGemm),
    .padPlanes = GN_I8_NAME(padPlanes),
    .padQuads = GN_I8_NAME(padQuads),
    .maxPoolPlane = GN_I8_NAME(maxPoolPlane),
    .averagePoolPlane = GN_I8_NAME(averagePoolPlane),
    .mean = GN_I8_NAME(mean),
    .quantize = GN_I8_NAME(quantize),
    .dequantize = GN_I8_NAME(dequantize),
    .add = GN_I8_NAME(add),
    .depthwiseChannels = GN_I8_NAME(depthwiseChannels),
    .convolveDots = GN_I8_NAME(convolveDots),
};

#undef GN_I8_LANES
#undef GN_I8_CHUNK
#undef GN_I8_VECTOR_COLUMNS
#undef GN_I8_FEW_PANELS
#undef GN_I8_OFFSET
#undef GN_I8_DOT
#undef GN_I8_FLIP
#undef GN_I8_MAGNITUDE
#undef GN_I8_NV
#undef GN_I8_NP
#undef GN_I8_NR
