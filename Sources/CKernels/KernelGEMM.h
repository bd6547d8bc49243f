// Matrix products: thinProduct, a [m, k] matrix times the transpose of a thin [n, k] one (sgemm packs it poorly);
// matrixVector, a fully connected layer on one input with its bias and clamp; and packedGEMM, a convolution's
// product with its weights packed once and its bias and clamp fused into the stores.
// Part of KernelBody.h: included once per instruction set, with GN_TARGET, GN_NAME(x) and GN_LANES defined.

// c[o*ldc + p] = sum over t of a[o*k + t] * rows[p*k + t], for o < m and p < n: a row-major
// [m, k] matrix times the transpose of rows [n, k], for a thin n (a deep conv's few output
// positions). Register tiles of 4 rows x 4 columns, 16 vector accumulators of GN_LANES
// partial sums (8 loads per 16 vector FMAs, no reassociation of float adds across lanes);
// each row of a streams from memory once and is re-read from cache for the next 4 columns.
// Tails reuse the last row or column (computed, not stored).
GN_TARGET static void GN_NAME(thinProduct)(const float *restrict a, int m, int k, const float *restrict rows, int n,
                                           float *restrict c, int ldc) {
    typedef float vector __attribute__((ext_vector_type(GN_LANES), aligned(4)));
    const int body = k - k % GN_LANES;
    // The tile corners count in ptrdiff_t: a step of 4 past an m or n near 2^31 must not overflow.
    for (ptrdiff_t o0 = 0; o0 < m; o0 += 4) {
        const float *ar[4];
        for (int r = 0; r < 4; r++) ar[r] = a + (size_t)(o0 + r < m ? o0 + r : m - 1) * k;
        for (ptrdiff_t p0 = 0; p0 < n; p0 += 4) {
            const float *b[4];
            for (int p = 0; p < 4; p++) b[p] = rows + (size_t)(p0 + p < n ? p0 + p : n - 1) * k;
            vector s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
            vector s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
            for (int t = 0; t < body; t += GN_LANES) {
                const vector x0 = *(const vector *)(ar[0] + t), x1 = *(const vector *)(ar[1] + t);
                const vector x2 = *(const vector *)(ar[2] + t), x3 = *(const vector *)(ar[3] + t);
                vector y = *(const vector *)(b[0] + t);
                s00 += x0 * y, s10 += x1 * y, s20 += x2 * y, s30 += x3 * y;
                y = *(const vector *)(b[1] + t);
                s01 += x0 * y, s11 += x1 * y, s21 += x2 * y, s31 += x3 * y;
                y = *(const vector *)(b[2] + t);
                s02 += x0 * y, s12 += x1 * y, s22 += x2 * y, s32 += x3 * y;
                y = *(const vector *)(b[3] + t);
                s03 += x0 * y, s13 += x1 * y, s23 += x2 * y, s33 += x3 * y;
            }
            const vector tile[4][4] = {
                {s00, s01, s02, s03}, {s10, s11, s12, s13}, {s20, s21, s22, s23}, {s30, s31, s32, s33}};
            for (int r = 0; r < 4 && o0 + r < m; r++) {
                for (int p = 0; p < 4 && p0 + p < n; p++) {
                    float sum = 0;
                    for (int j = 0; j < GN_LANES; j++) sum += tile[r][p][j];
                    for (int t = body; t < k; t++) sum += ar[r][t] * b[p][t];
                    c[(size_t)(o0 + r) * ldc + (size_t)(p0 + p)] = sum;
                }
            }
        }
    }
}

// y = clamp(shift + a · x): 4 rows at a time, two vectors of partial sums per row (8 independent FMA chains), each
// row read once front to back, x from L1. Memory-bound (a multiply-add per 4 bytes of a): on AVX-512 mobilenet-v1's
// 1000 x 1024 classifier took 34 us from L3 and 92 from DRAM, where OpenBLAS's sgemv took 48 and 114 (C harness).
GN_TARGET static void GN_NAME(matrixVector)(const float *restrict a, int m, int k, const float *restrict x,
                                            const float *restrict shift, float lower, float upper,
                                            float *restrict y) {
#pragma clang fp contract(fast)
    typedef GN_NAME(floats) vector;
    enum { rows = 4 };
    const int body = k - k % (2 * GN_LANES);
    for (ptrdiff_t i = 0; i < m; i += rows) {
        const int height = m - i < rows ? (int)(m - i) : rows;
        const float *row[rows];
        for (int r = 0; r < rows; r++) row[r] = a + (size_t)(i + (r < height ? r : height - 1)) * k;
        vector first[rows], second[rows];
#pragma unroll
        for (int r = 0; r < rows; r++) first[r] = second[r] = 0;
        for (int t = 0; t < body; t += 2 * GN_LANES) {
            const vector x0 = *(const vector *)(x + t), x1 = *(const vector *)(x + t + GN_LANES);
#pragma unroll
            for (int r = 0; r < rows; r++) {
                first[r] += *(const vector *)(row[r] + t) * x0;
                second[r] += *(const vector *)(row[r] + t + GN_LANES) * x1;
            }
        }
        for (int r = 0; r < height; r++) {
            const vector lanes = first[r] + second[r];
            float sum = 0;
            for (int l = 0; l < GN_LANES; l++) sum += lanes[l];
            for (int t = body; t < k; t++) sum += row[r][t] * x[t];
            sum += shift ? shift[i + r] : 0;
            sum = sum < lower ? lower : sum;
            y[i + r] = sum > upper ? upper : sum;
        }
    }
}

// packedGEMM: c [m, n] = A [m, k] · b [k, n], A packed once into panels of 6 rows (gn_pack_gemm_a), then
// c = min(max(c + shift[row], lower), upper): a convolution as weights [O, C·kH·kW] times im2col columns (or the
// input plane itself for a 1x1 conv), 2·m·n·k FLOPs. Blocked after BLIS (Van Zee and van de Geijn, "BLIS: A
// Framework for Rapidly Instantiating BLAS Functionality", 2015), loops from the outside in:
//   depth blocks of k (each panel of b within GN_GEMM_PANEL_FLOATS, GEMMBlocking.h): the first stores its tiles of
//     c, later ones add to them, the last adds the shift and clamps;
//   row blocks of A (within GN_GEMM_A_FLOATS, so they stay in L2);
//   panels of b, GN_GEMM_NR columns wide: the first 6-row panel of A reads b where it lies and copies it into the
//     workspace on the way (the packed panel stays in L1), the others read the copy. With at most 3 panels of A
//     every one reads b in place, unless b's rows are a multiple of 4 KiB apart (they would share a few L1 sets).
//     The last panel, of fewer columns, is copied first, zero-padded to whole vectors, and runs a narrower tile;
//   panels of A: the micro-kernel, a 6 x GN_GEMM_NR tile of c in 6 * GN_GEMM_NV vector registers, one broadcast of
//     A and GN_GEMM_NV loads of b per GN_GEMM_NV fused multiply-adds.
// AVX-512 takes a 6 x 64 tile (24 of its 32 registers) at depth 128; AVX2 and generic a 6 x 2*GN_LANES tile (12 of
// 16 registers) at depth 512 and 1024.

// Vectors per row of the micro-kernel's tile (24 of AVX-512's 32 registers, 12 of 16 elsewhere), and its columns.
#if GN_LANES >= 16
#define GN_GEMM_NV 4
#else
#define GN_GEMM_NV 2
#endif
#define GN_GEMM_NR (GN_GEMM_NV * GN_LANES)
// Steps of k per turn of the micro-kernel's loop: 4 where there are registers to spare, 1 for 16 SSE registers
// (12 accumulators plus the products a multiply and an add need: unrolled, it spills).
#if GN_LANES >= 8
#define GN_GEMM_UNROLL 4
#else
#define GN_GEMM_UNROLL 1
#endif

// The micro-kernel, for a tile of mr rows (mr <= 6) and nv vectors' columns (nv <= GN_GEMM_NV; nv, mr and packing
// are constants once inlined): acc[r][j] = sum over t < kc of a[6t + r] * b[t*ldb + j]; with packing, b's rows are
// also copied to store, nv*GN_LANES floats apart. Then written to the mr rows and columns < cols of c: stored
// (first), or added to c (not first); the last depth block adds shift[r] (shift may be NULL) and clamps. The pragma
// lets `acc += x * y` fuse into one FMA whatever flags the file is compiled with (a multiply and an add where there
// is no FMA).
// Each step also prefetches the same depth of next, the panel of A the following tile reads: panels lie 6*k floats
// apart, so a depth block's stream of A jumps at every panel and the hardware prefetcher misses the start of each
// (weights too big for L2, as in MobileNet's late 1x1 convs or VGG's wide 3x3s, stalled on L3 there: prefetching
// took mobilenet-v1 from 6.4 to 6.0 ms and vgg16-cifar at batch 32 from 62 to 54 ms on 1 thread). The tile that
// packs a panel of b prefetches the next panel's rows: b's rows lie ldb apart, too many streams for the hardware
// prefetcher where b comes from L3 (the output of the layer before: mobilenet-v1's 32 -> 64 1x1 conv on 112x112,
// 0.29 -> 0.24 ms).
GN_TARGET static inline __attribute__((always_inline)) void
GN_NAME(gemmTile)(const int nv, const int mr, const int packing, const float *restrict a, const float *restrict b,
                  size_t ldb, float *restrict store, int kc, float *restrict c, size_t ldc, int cols, int first,
                  int last, const float *restrict shift, float lower, float upper, const float *next) {
#pragma clang fp contract(fast)
    typedef float vector __attribute__((ext_vector_type(GN_LANES), aligned(4)));
    const int width = nv * GN_LANES;
    vector acc[GN_GEMM_PANEL_ROWS][GN_GEMM_NV];
#pragma unroll
    for (int r = 0; r < mr; r++)
#pragma unroll
        for (int v = 0; v < nv; v++) acc[r][v] = 0;
#pragma unroll GN_GEMM_UNROLL
    for (int t = 0; t < kc; t++) {
        vector y[GN_GEMM_NV];
#pragma unroll
        for (int v = 0; v < nv; v++) y[v] = *(const vector *)(b + (size_t)t * ldb + v * GN_LANES);
        __builtin_prefetch(next + (size_t)t * GN_GEMM_PANEL_ROWS, 0, 3);
        if (packing) {
#pragma unroll
            for (int v = 0; v < nv; v++) *(vector *)(store + (size_t)t * width + v * GN_LANES) = y[v];
#pragma unroll
            for (int v = 0; v < nv; v++) __builtin_prefetch(b + (size_t)t * ldb + width + v * GN_LANES, 0, 3);
        }
#pragma unroll
        for (int r = 0; r < mr; r++) {
            const vector x = a[(size_t)t * GN_GEMM_PANEL_ROWS + r];
#pragma unroll
            for (int v = 0; v < nv; v++) acc[r][v] += x * y[v];
        }
    }
    // Whole vectors go straight to c; a last partial one through masked moves where the instruction set has them
    // (element by element where not), so that c past cols stays untouched.
    const int whole = cols / GN_LANES, part = cols % GN_LANES;
#if GN_LANES == 16
    const __mmask16 mask = (__mmask16)((1u << part) - 1);
#elif GN_LANES == 8
    const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(part), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
#endif
    const vector low = lower, high = upper;
#pragma unroll
    for (int r = 0; r < mr; r++) {
        const float s = last && shift ? shift[r] : 0;
#pragma unroll
        for (int v = 0; v < nv; v++) {
            if (v > whole || (v == whole && !part)) break;
            float *out = c + (size_t)r * ldc + v * GN_LANES;
            vector z = acc[r][v];
            if (!first) {
                if (v < whole) z += *(const vector *)out;
                else {
#if GN_LANES == 16
                    z += (vector)_mm512_maskz_loadu_ps(mask, out);
#elif GN_LANES == 8
                    z += (vector)_mm256_maskload_ps(out, mask);
#else
                    for (int j = 0; j < part; j++) z[j] += out[j];
#endif
                }
            }
            if (last) {
                z += s;
                z = z < low ? low : z;
                z = z > high ? high : z;
            }
            if (v < whole) *(vector *)out = z;
            else {
#if GN_LANES == 16
                _mm512_mask_storeu_ps(out, mask, (__m512)z);
#elif GN_LANES == 8
                _mm256_maskstore_ps(out, mask, (__m256)z);
#else
                for (int j = 0; j < part; j++) out[j] = z[j];
#endif
            }
        }
    }
}

// A last panel of A with height < 6 rows (its padding rows are zeros): a tile of only those rows, so that the
// common channel counts (32, 64, 128, ... are 2 or 4 past a multiple of 6) do not pay for 6 (M = 32 computed 36
// rows, M = 128 132). nv and height become constants in each case of the switch.
GN_TARGET static __attribute__((noinline)) void
GN_NAME(gemmRowTail)(int nv, int height, const float *a, const float *b, size_t ldb, int kc, float *c, size_t ldc,
                     int cols, int first, int last, const float *shift, float lower, float upper, const float *next) {
#define GN_GEMM_ROWS(v, h)                                                                                  \
    case h:                                                                                                 \
        GN_NAME(gemmTile)(v, h, 0, a, b, ldb, 0, kc, c, ldc, cols, first, last, shift, lower, upper, next); \
        return;
#define GN_GEMM_HEIGHTS(v)                                                                                  \
    case v:                                                                                                 \
        switch (height) {                                                                                   \
            GN_GEMM_ROWS(v, 1)                                                                              \
            GN_GEMM_ROWS(v, 2)                                                                              \
            GN_GEMM_ROWS(v, 3)                                                                              \
            GN_GEMM_ROWS(v, 4)                                                                              \
        default:                                                                                            \
            GN_GEMM_ROWS(v, 5)                                                                              \
        }
    switch (nv) {
        GN_GEMM_HEIGHTS(1)
#if GN_GEMM_NV > 2
        GN_GEMM_HEIGHTS(2)
        GN_GEMM_HEIGHTS(3)
#endif
    default:
        GN_GEMM_HEIGHTS(GN_GEMM_NV)
    }
#undef GN_GEMM_ROWS
#undef GN_GEMM_HEIGHTS
}

// The tiles of rows [0, rows) of c against one panel of b (cols columns): a0 is the first of the panels of A (6*k
// floats apart, kc deep), c and shift start at its row. mode 0: every panel of A reads b where it lies (rows ldb
// apart); mode 1: the first reads it there and packs it into panel, the others read panel; mode 2: all read panel,
// packed already. A last panel of fewer than 6 rows runs gemmRowTail, on the packed panel where one was packed.
GN_TARGET static inline __attribute__((always_inline)) void
GN_NAME(gemmColumn)(const int nv, const int mode, const float *a0, int k, int rows, const float *b, size_t ldb,
                    float *panel, int kc, float *c, size_t ldc, int cols, int first, int last, const float *shift,
                    float lower, float upper) {
    for (int i = 0; i < rows; i += GN_GEMM_PANEL_ROWS) {
        const float *a = a0 + (size_t)i * k, *s = shift ? shift + i : 0;
        // The last panel's successor is the first, read again by the next panel of b.
        const float *next = i + GN_GEMM_PANEL_ROWS < rows ? a + (size_t)GN_GEMM_PANEL_ROWS * k : a0;
        float *out = c + (size_t)i * ldc;
        if (rows - i < GN_GEMM_PANEL_ROWS) {
            const int packed = mode == 2 || (mode == 1 && i > 0);
            GN_NAME(gemmRowTail)(nv, rows - i, a, packed ? panel : b, packed ? (size_t)nv * GN_LANES : ldb, kc, out,
                                 ldc, cols, first, last, s, lower, upper, next);
        } else if (mode == 0)
            GN_NAME(gemmTile)(nv, 6, 0, a, b, ldb, 0, kc, out, ldc, cols, first, last, s, lower, upper, next);
        else if (mode == 1 && i == 0)
            GN_NAME(gemmTile)(nv, 6, 1, a, b, ldb, panel, kc, out, ldc, cols, first, last, s, lower, upper, next);
        else
            GN_NAME(gemmTile)(nv, 6, 0, a, panel, nv * GN_LANES, 0, kc, out, ldc, cols, first, last, s, lower, upper,
                              next);
    }
}

// Tails of at most GN_GEMM_THIN columns. The micro-kernel's narrowest tile (6 x one vector) is bound by the FMA's
// latency (6 accumulator chains where the pipes need 8) and fills few of its lanes: on AVX-512 the 4 columns past
// 192 (MobileNet's 14x14 1x1 convs) cost as much as 16, a third of a whole 64-column tile, and the 1 column past 48
// (its 7x7 ones) 40% of the product. This tile runs along the panel of A instead, as it lies (a[6t + r], 6 rows
// interleaved per step of depth), 3 vectors a turn (GN_LANES/2 steps of depth, a whole number of rows' worth): each
// column of b, copied contiguous by packThinB, gives GN_LANES/2 values a turn, spread by the GN_THIN_SPREAD shuffles
// so that lane i of the three holds b's value at step i / 6, for acc += a * b; then the lanes of each row are summed (lane i holds
// row i % 6). Its cost grows with the columns it computes, not with a vector's width.
#define GN_GEMM_THIN 4

// Copies columns [0, cols) of rows [0, kc) of b (rows ldb apart) contiguous for gemmThinTail: column j at
// column + j*stride, zeros from kc to stride, the stride (kc rounded up to whole turns of GN_LANES/2 steps) returned.
GN_TARGET static size_t GN_NAME(packThinB)(const float *restrict b, size_t ldb, int kc, int cols,
                                           float *restrict column) {
    const size_t stride = ((size_t)kc + GN_LANES / 2 - 1) / (GN_LANES / 2) * (GN_LANES / 2);
    for (int j = 0; j < cols; j++) {
        float *out = column + (size_t)j * stride;
        for (int t = 0; t < kc; t++) out[t] = b[(size_t)t * ldb + j];
        for (size_t t = (size_t)kc; t < stride; t++) out[t] = 0;
    }
    return stride;
}

// The GN_LANES/2 values of one column at steps t..t + GN_LANES/2 - 1 spread over 3 vectors as the panel of A lays
// out those steps: lane i of the three (counted across them) holds value i / 6.
#if GN_LANES == 16
#define GN_THIN_SPREAD_0 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2
#define GN_THIN_SPREAD_1 2, 2, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 5, 5
#define GN_THIN_SPREAD_2 5, 5, 5, 5, 6, 6, 6, 6, 6, 6, 7, 7, 7, 7, 7, 7
#elif GN_LANES == 8
#define GN_THIN_SPREAD_0 0, 0, 0, 0, 0, 0, 1, 1
#define GN_THIN_SPREAD_1 1, 1, 1, 1, 2, 2, 2, 2
#define GN_THIN_SPREAD_2 2, 2, 3, 3, 3, 3, 3, 3
#else
#define GN_THIN_SPREAD_0 0, 0, 0, 0
#define GN_THIN_SPREAD_1 0, 0, 1, 1
#define GN_THIN_SPREAD_2 1, 1, 1, 1
#endif

// The 6 row sums of 3 vectors whose lane i (counted across the three) holds a partial sum of row i % 6, into
// sums[0...5], in registers: halving the 3*GN_LANES lanes (each half starts on a row boundary) until 6 are left.
GN_TARGET static inline void GN_NAME(thinRowSums)(GN_NAME(floats) v0, GN_NAME(floats) v1, GN_NAME(floats) v2,
                                                  float *sums) {
    typedef GN_NAME(floats) vector;
#if GN_LANES == 16
    // 48 -> 24 lanes: a holds lanes 0..15, b 16..23 (in its low half); 24 -> 12 -> 6.
    const vector a = v0 + __builtin_shufflevector(v1, v2, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23);
    const vector b = v1 + __builtin_shufflevector(v2, v2, 8, 9, 10, 11, 12, 13, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1);
    const vector twelve =
        a + __builtin_shufflevector(a, b, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, -1, -1, -1, -1);
    *(vector *)sums =
        twelve + __builtin_shufflevector(twelve, twelve, 6, 7, 8, 9, 10, 11, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
#elif GN_LANES == 8
    // 24 -> 12 lanes: a holds lanes 0..7, b 8..11 (in its low half); 12 -> 6.
    const vector a = v0 + __builtin_shufflevector(v1, v2, 4, 5, 6, 7, 8, 9, 10, 11);
    const vector b = v1 + __builtin_shufflevector(v2, v2, 4, 5, 6, 7, -1, -1, -1, -1);
    *(vector *)sums = a + __builtin_shufflevector(a, b, 6, 7, 8, 9, 10, 11, -1, -1);
#else
    // 12 -> 6 lanes: rows 0..3 in the first vector, 4 and 5 in the low half of the second.
    *(vector *)sums = v0 + __builtin_shufflevector(v1, v2, 2, 3, 4, 5);
    *(vector *)(sums + GN_LANES) = v1 + __builtin_shufflevector(v2, v2, 2, 3, -1, -1);
#endif
}

// c's rows [0, rows) (6-row panels of A from a0, 6*k floats apart, kc deep) times the cols (constant once inlined,
// <= GN_GEMM_THIN) columns of b copied contiguous by packThinB (stride floats apart), stored (first) or added to c
// (not first), the last depth block adding shift[r] (NULL meaning 0) and clamping.
GN_TARGET static inline __attribute__((always_inline)) void
GN_NAME(gemmThinColumns)(const int cols, const float *a0, int k, int rows, const float *b, size_t stride, int kc,
                         float *c, size_t ldc, int first, int last, const float *shift, float lower, float upper) {
#pragma clang fp contract(fast)
    typedef GN_NAME(floats) vector;
    typedef float half __attribute__((ext_vector_type(GN_LANES / 2), aligned(4)));
    enum { turn = 3 * GN_LANES };
    const int span = kc * GN_GEMM_PANEL_ROWS, body = span - span % turn;
    for (int i = 0; i < rows; i += GN_GEMM_PANEL_ROWS) {
        const float *a = a0 + (size_t)i * k;
        // The same depth of the next panel, as gemmTile prefetches it: weights streamed from L3 (a Winograd
        // product's, read once a call) otherwise stall at the start of every panel.
        const float *next = i + GN_GEMM_PANEL_ROWS < rows ? a + (size_t)GN_GEMM_PANEL_ROWS * k : a0;
        vector acc[GN_GEMM_THIN][3];
#pragma unroll
        for (int j = 0; j < cols; j++) acc[j][0] = acc[j][1] = acc[j][2] = 0;
        for (int t = 0, step = 0; t < span; t += turn, step += GN_LANES / 2) {
            vector x[3];
#pragma unroll
            for (int q = 0; q < 3; q++) __builtin_prefetch(next + t + q * GN_LANES, 0, 3);
#pragma unroll
            for (int q = 0; q < 3; q++)
                x[q] = t < body ? *(const vector *)(a + t + q * GN_LANES)
                                : GN_NAME(load_first)(a + t + q * GN_LANES, span - t - q * GN_LANES, 0);
#pragma unroll
            for (int j = 0; j < cols; j++) {
                const half values = *(const half *)(b + j * stride + step);
                acc[j][0] += x[0] * __builtin_shufflevector(values, values, GN_THIN_SPREAD_0);
                acc[j][1] += x[1] * __builtin_shufflevector(values, values, GN_THIN_SPREAD_1);
                acc[j][2] += x[2] * __builtin_shufflevector(values, values, GN_THIN_SPREAD_2);
            }
        }
        const int height = rows - i < GN_GEMM_PANEL_ROWS ? rows - i : GN_GEMM_PANEL_ROWS;
#pragma unroll
        for (int j = 0; j < cols; j++) {
            float sums[2 * GN_LANES];
            GN_NAME(thinRowSums)(acc[j][0], acc[j][1], acc[j][2], sums);
            for (int r = 0; r < height; r++) {
                float *out = c + (size_t)(i + r) * ldc + j;
                float z = first ? sums[r] : *out + sums[r];
                if (last) {
                    z += shift ? shift[i + r] : 0;
                    z = z < lower ? lower : z;
                    z = z > upper ? upper : z;
                }
                *out = z;
            }
        }
    }
}

#undef GN_THIN_SPREAD_0
#undef GN_THIN_SPREAD_1
#undef GN_THIN_SPREAD_2

// gemmThinColumns with cols a constant in each case of the switch.
GN_TARGET static __attribute__((noinline)) void
GN_NAME(gemmThinTail)(int cols, const float *a0, int k, int rows, const float *b, size_t stride, int kc, float *c,
                      size_t ldc, int first, int last, const float *shift, float lower, float upper) {
    switch (cols) {
#define GN_GEMM_THIN_CASE(n)                                                                                          \
    case n:                                                                                                           \
        GN_NAME(gemmThinColumns)(n, a0, k, rows, b, stride, kc, c, ldc, first, last, shift, lower, upper);            \
        return;
        GN_GEMM_THIN_CASE(1)
        GN_GEMM_THIN_CASE(2)
        GN_GEMM_THIN_CASE(3)
    default:
        GN_GEMM_THIN_CASE(GN_GEMM_THIN)
#undef GN_GEMM_THIN_CASE
    }
}

// Copies rows [0, kc) and columns [0, cols) of b (rows ldb apart) into a panel of nv vectors' width (rows
// nv*GN_LANES floats apart), zero past cols.
GN_TARGET static void GN_NAME(packGEMMB)(const float *restrict b, size_t ldb, int kc, int cols, int nv,
                                         float *restrict panel) {
    const int width = nv * GN_LANES;
    for (int t = 0; t < kc; t++) {
        const float *row = b + (size_t)t * ldb;
        float *out = panel + (size_t)t * width;
        for (int j = 0; j < cols; j++) out[j] = row[j];
        for (int j = cols; j < width; j++) out[j] = 0;
    }
}

GN_TARGET static void GN_NAME(packedGEMM)(const float *packedA, int m, int k, const float *b, size_t ldb, int n,
                                          float *c, size_t ldc, const float *shift, float lower, float upper,
                                          float *workspace) {
    if (m <= 0 || n <= 0) return;
    if (k <= 0) {
        for (int r = 0; r < m; r++) {
            float z = shift ? shift[r] : 0;
            z = z < lower ? lower : z;
            z = z > upper ? upper : z;
            for (int j = 0; j < n; j++) c[(size_t)r * ldc + j] = z;
        }
        return;
    }
    float *panel = (float *)(((size_t)workspace + 63) & ~(size_t)63);
    if (n <= GN_GEMM_THIN) {
        // Thin throughout: no depth blocks (b is small), so each panel of A streams in parts as deep as the copied
        // columns of b allow, 32 KiB and more, where depth blocks read 3 KiB of it at a time (weights read from
        // DRAM once a call, as in a deep conv on a 2x2 plane, ran 1.5x slower so).
        const int part = GN_GEMM_PANEL_FLOATS / n / (GN_LANES / 2) * (GN_LANES / 2);
        for (ptrdiff_t t0 = 0; t0 < k; t0 += part) {
            const int depth = k - t0 < part ? (int)(k - t0) : part;
            const size_t stride = GN_NAME(packThinB)(b + (size_t)t0 * ldb, ldb, depth, n, panel);
            GN_NAME(gemmThinTail)(n, packedA + (size_t)t0 * GN_GEMM_PANEL_ROWS, k, m, panel, stride, depth, c, ldc,
                                  t0 == 0, t0 + depth == k, shift, lower, upper);
        }
        return;
    }
    // Depth blocks of equal depth (rounded up to a multiple of 8 where that stays within the limit). The block
    // counts and the loops' steps over m, n and k run in ptrdiff_t, so sizes near 2^31 cannot overflow them.
    const int limit = GN_GEMM_PANEL_FLOATS / GN_GEMM_NR;
    const int blocks = (int)(((ptrdiff_t)k + limit - 1) / limit);
    int depth = (int)(((ptrdiff_t)k + blocks - 1) / blocks);
    if (blocks > 1 && (depth + 7) / 8 * 8 <= limit) depth = (depth + 7) / 8 * 8;
    int blockRows = GN_GEMM_A_FLOATS / depth / GN_GEMM_PANEL_ROWS * GN_GEMM_PANEL_ROWS;
    if (blockRows < GN_GEMM_PANEL_ROWS) blockRows = GN_GEMM_PANEL_ROWS;
    const int spreadRows = ldb % 1024 != 0; // b's rows are not a multiple of 4 KiB apart
    for (ptrdiff_t t0 = 0; t0 < k; t0 += depth) {
        const int kc = k - t0 < depth ? (int)(k - t0) : depth;
        const int first = t0 == 0, last = t0 + kc == k;
        for (ptrdiff_t i0 = 0; i0 < m; i0 += blockRows) {
            const int rows = m - i0 < blockRows ? (int)(m - i0) : blockRows;
            const float *a0 = packedA + (size_t)i0 * k + (size_t)t0 * GN_GEMM_PANEL_ROWS;
            const float *s = shift ? shift + i0 : 0;
            float *c0 = c + (size_t)i0 * ldc;
            const int inPlace = rows <= 3 * GN_GEMM_PANEL_ROWS && spreadRows;
            ptrdiff_t j0 = 0;
            for (; j0 + GN_GEMM_NR <= n; j0 += GN_GEMM_NR) {
                const float *b0 = b + (size_t)t0 * ldb + j0;
                if (inPlace)
                    GN_NAME(gemmColumn)(GN_GEMM_NV, 0, a0, k, rows, b0, ldb, panel, kc, c0 + j0, ldc, GN_GEMM_NR,
                                        first, last, s, lower, upper);
                else
                    GN_NAME(gemmColumn)(GN_GEMM_NV, 1, a0, k, rows, b0, ldb, panel, kc, c0 + j0, ldc, GN_GEMM_NR,
                                        first, last, s, lower, upper);
            }
            // The columns left: whole vectors on a narrower tile, then up to GN_GEMM_THIN past them on the thin
            // tile; more than that past the vectors, one more (masked) vector instead.
            const int left = (int)(n - j0), over = left % GN_LANES;
            const int thin = over <= GN_GEMM_THIN ? over : 0, cols = left - thin;
            if (cols > 0) {
                const int nv = (cols + GN_LANES - 1) / GN_LANES;
                GN_NAME(packGEMMB)(b + (size_t)t0 * ldb + j0, ldb, kc, cols, nv, panel);
                switch (nv) {
#define GN_GEMM_TAIL(v)                                                                                               \
    case v:                                                                                                           \
        GN_NAME(gemmColumn)(v, 2, a0, k, rows, 0, 0, panel, kc, c0 + j0, ldc, cols, first, last, s, lower, upper);    \
        break;
                    GN_GEMM_TAIL(1)
#if GN_GEMM_NV > 2
                    GN_GEMM_TAIL(2)
                    GN_GEMM_TAIL(3)
#endif
                default:
                    GN_GEMM_TAIL(GN_GEMM_NV)
#undef GN_GEMM_TAIL
                }
            }
            if (thin > 0) {
                const size_t stride = GN_NAME(packThinB)(b + (size_t)t0 * ldb + j0 + cols, ldb, kc, thin, panel);
                GN_NAME(gemmThinTail)(thin, a0, k, rows, panel, stride, kc, c0 + j0 + cols, ldc, first, last, s, lower,
                                      upper);
            }
        }
    }
}

// The lane indices of one step of transposeFinish's in-register transpose: rows i and i + b of a block (i & b == 0)
// swap the b x b blocks off their 2b x 2b block's diagonal, lane l of the pair's first new row taking lane l of row
// i, or lane l - b of row i + b where l & b; of the second, lane l + b of row i, or lane l of row i + b. After the
// steps for b = 1, 2, 4, ... every row holds a column.
#if GN_LANES == 16
#define GN_SWAP_LO_1 0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30
#define GN_SWAP_HI_1 1, 17, 3, 19, 5, 21, 7, 23, 9, 25, 11, 27, 13, 29, 15, 31
#define GN_SWAP_LO_2 0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29
#define GN_SWAP_HI_2 2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31
#define GN_SWAP_LO_4 0, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27
#define GN_SWAP_HI_4 4, 5, 6, 7, 20, 21, 22, 23, 12, 13, 14, 15, 28, 29, 30, 31
#define GN_SWAP_LO_8 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23
#define GN_SWAP_HI_8 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31
#elif GN_LANES == 8
#define GN_SWAP_LO_1 0, 8, 2, 10, 4, 12, 6, 14
#define GN_SWAP_HI_1 1, 9, 3, 11, 5, 13, 7, 15
#define GN_SWAP_LO_2 0, 1, 8, 9, 4, 5, 12, 13
#define GN_SWAP_HI_2 2, 3, 10, 11, 6, 7, 14, 15
#define GN_SWAP_LO_4 0, 1, 2, 3, 8, 9, 10, 11
#define GN_SWAP_HI_4 4, 5, 6, 7, 12, 13, 14, 15
#else
#define GN_SWAP_LO_1 0, 4, 2, 6
#define GN_SWAP_HI_1 1, 5, 3, 7
#define GN_SWAP_LO_2 0, 1, 4, 5
#define GN_SWAP_HI_2 2, 3, 6, 7
#endif
#define GN_SWAP_STEP(b)                                                                                               \
    for (int i = 0; i < GN_LANES; i++) {                                                                              \
        if (i & (b)) continue;                                                                                        \
        const vector first = rows[i], second = rows[i + (b)];                                                         \
        rows[i] = __builtin_shufflevector(first, second, GN_SWAP_LO_##b);                                             \
        rows[i + (b)] = __builtin_shufflevector(first, second, GN_SWAP_HI_##b);                                       \
    }

// The product of convolveStreamingWeights ([positions, channels]) into NCHW planes: blocks of GN_LANES x GN_LANES
// loaded as rows, transposed in registers, finished and stored as rows of the output; the edges one by one.
GN_TARGET static void GN_NAME(transposeFinish)(const float *product, size_t m, size_t n, size_t ldp,
                                               const float *scale, const float *shift, float lower, float upper,
                                               float *output, size_t ldo) {
    typedef float vector __attribute__((ext_vector_type(GN_LANES), aligned(4)));
    const size_t wholeM = m - m % GN_LANES, wholeN = n - n % GN_LANES;
    const vector low = lower, high = upper;
    for (size_t j0 = 0; j0 < wholeN; j0 += GN_LANES) {
        for (size_t i0 = 0; i0 < wholeM; i0 += GN_LANES) {
            vector rows[GN_LANES];
#pragma unroll
            for (int i = 0; i < GN_LANES; i++) rows[i] = *(const vector *)(product + (i0 + i) * ldp + j0);
#pragma unroll
            GN_SWAP_STEP(1)
#pragma unroll
            GN_SWAP_STEP(2)
#if GN_LANES >= 8
#pragma unroll
            GN_SWAP_STEP(4)
#endif
#if GN_LANES >= 16
#pragma unroll
            GN_SWAP_STEP(8)
#endif
#pragma unroll
            for (int j = 0; j < GN_LANES; j++) {
                vector z = rows[j] * (scale ? scale[j0 + j] : 1) + (shift ? shift[j0 + j] : 0);
                z = z < low ? low : z;
                z = z > high ? high : z;
                *(vector *)(output + (j0 + j) * ldo + i0) = z;
            }
        }
    }
    for (size_t j = 0; j < n; j++) {
        const float multiplier = scale ? scale[j] : 1, addend = shift ? shift[j] : 0;
        for (size_t i = j < wholeN ? wholeM : 0; i < m; i++) {
            float value = product[i * ldp + j] * multiplier + addend;
            value = value < lower ? lower : value;
            output[j * ldo + i] = value > upper ? upper : value;
        }
    }
}

#undef GN_SWAP_STEP
#undef GN_SWAP_LO_1
#undef GN_SWAP_HI_1
#undef GN_SWAP_LO_2
#undef GN_SWAP_HI_2
#if GN_LANES >= 8
#undef GN_SWAP_LO_4
#undef GN_SWAP_HI_4
#endif
#if GN_LANES >= 16
#undef GN_SWAP_LO_8
#undef GN_SWAP_HI_8
#endif

#undef GN_GEMM_NV
#undef GN_GEMM_NR
#undef GN_GEMM_UNROLL
