// Matrix products sgemm serves poorly: thinProduct, a [m, k] matrix times the transpose of a thin [n, k] one.
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
    for (int o0 = 0; o0 < m; o0 += 4) {
        const float *ar[4];
        for (int r = 0; r < 4; r++) ar[r] = a + (size_t)(o0 + r < m ? o0 + r : m - 1) * k;
        for (int p0 = 0; p0 < n; p0 += 4) {
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
                    c[(size_t)(o0 + r) * ldc + p0 + p] = sum;
                }
            }
        }
    }
}
