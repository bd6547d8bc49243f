// Winograd F(4x4, 3x3) transforms (Lavin and Gray 2016, "Fast Algorithms for Convolutional Neural Networks"), with
// the interpolation points 0, ±1, ±2 and ∞ of NNPACK and ncnn. A 3x3 stride-1 convolution splits its output into
// 4x4 tiles; tile Y reads a 6x6 input tile d (neighbours overlap by two cells) and is
//     Y = A^T [(G g G^T) ⊙ (B^T d B)] A
// for each 3x3 weight g. Summed over input channels, the elementwise product of element k = 6i + j becomes a matrix
// product M_k = U_k V_k, which the caller runs with sgemm between these two kernels: winogradInput4x4 writes
// V = B^T d B, winogradOutput4x4 reads M and writes A^T M A. U = G g G^T is gn_winograd_weights4x4 (Winograd.c).
//
//         | 4  0 -5  0  1  0 |
//         | 0 -4 -4  1  1  0 |              | 1  1  1  1  1  0 |
//   B^T = | 0  4 -4 -1  1  0 |        A^T = | 0  1 -1  2 -2  0 |
//         | 0 -2 -1  2  1  0 |              | 0  1  1  4  4  0 |
//         | 0  2 -1 -2  1  0 |              | 0  1 -1  8 -8  1 |
//         | 0  4  0 -5  0  1 |
//
// Both transforms are separable: the 1-D transform down each column of the tile, then along each row. They take the
// tiles of one channel 64 at a time, across tile rows, so that the loops over tiles are long enough to vectorise
// even for a small plane (a 28x28 output has 7 tiles a row); only the copies between a plane's rows and the
// tiles go one tile row at a time. Each 1-D transform is a few adds in its factored form.
// Part of KernelBody.h: included once per instruction set, with GN_TARGET, GN_NAME(x) and GN_LANES defined.

// r = B^T d for one column (or row) d of a 6x6 input tile.
static inline void GN_NAME(winograd_input_1d)(float d0, float d1, float d2, float d3, float d4, float d5,
                                              float r[6]) {
    const float a = d4 - 4 * d2, b = d3 - 4 * d1;
    const float c = d4 - d2, e = 2 * (d3 - d1);
    r[0] = 4 * d0 - 5 * d2 + d4;
    r[1] = a + b;
    r[2] = a - b;
    r[3] = c + e;
    r[4] = c - e;
    r[5] = 4 * d1 - 5 * d3 + d5;
}

// r = A^T m for one column (or row) m of a 6x6 product tile.
static inline void GN_NAME(winograd_output_1d)(float m0, float m1, float m2, float m3, float m4, float m5,
                                               float r[4]) {
    const float a = m1 + m2, b = m1 - m2;
    const float c = m3 + m4, d = m3 - m4;
    r[0] = m0 + a + c;
    r[1] = b + 2 * d;
    r[2] = a + 4 * c;
    r[3] = b + 8 * d + m5;
}

// Tiles per batch: the scratch rows below hold 4 columns a tile.
#define GN_WINOGRAD_BATCH 64

// Per channel and batch: first, one tile row at a time, the column transform down the 6 input rows each tile row
// reads, as one contiguous run over its 4n + 2 columns (rows above or below the plane read a zero row; columns
// left or right of it are zero): columns[r][4J + x] is row r of B^T d for column x of the batch's tile J. The two
// columns a tile shares with its right neighbour are copied to right[r][2J + x - 4], as the run of the next tile
// row overwrites those of the last tile of this one. Then, over every tile of the batch, the row transform of
// those 6 columns gives the 36 values of B^T d B.
GN_TARGET static void GN_NAME(winogradInput4x4)(const float *restrict input, int channels, int height, int width,
                                                int paddingHeight, int paddingWidth, int tilesAcross,
                                                int tileBegin, int tileEnd, float *restrict transformed,
                                                size_t matrixStride, size_t ld) {
    float columns[6][4 * GN_WINOGRAD_BATCH + 2], right[6][2 * GN_WINOGRAD_BATCH];
    float zeros[4 * GN_WINOGRAD_BATCH + 2];
    for (int x = 0; x < 4 * GN_WINOGRAD_BATCH + 2; x++) zeros[x] = 0;
    for (int c = 0; c < channels; c++) {
        const float *plane = input + (size_t)c * height * width;
        for (int batch = tileBegin; batch < tileEnd; batch += GN_WINOGRAD_BATCH) {
            const int count = tileEnd - batch < GN_WINOGRAD_BATCH ? tileEnd - batch : GN_WINOGRAD_BATCH;
            for (int first = 0; first < count;) {
                const int ty = (batch + first) / tilesAcross, tx = (batch + first) % tilesAcross;
                const int n = tilesAcross - tx < count - first ? tilesAcross - tx : count - first;
                // The run's columns [lo, hi) lie inside the plane.
                const int y0 = 4 * ty - paddingHeight, x0 = 4 * tx - paddingWidth, span = 4 * n + 2;
                const int lo = x0 >= 0 ? 0 : (-x0 < span ? -x0 : span);
                const int hi = width - x0 < lo ? lo : (width - x0 < span ? width - x0 : span);
                const float *in[6];
                for (int i = 0; i < 6; i++) {
                    const int y = y0 + i;
                    in[i] = y >= 0 && y < height && lo < hi ? plane + (size_t)y * width + x0 + lo : zeros;
                }
                float *out[6];
                for (int r = 0; r < 6; r++) out[r] = columns[r] + 4 * first;
                for (int x = 0; x < lo; x++) {
                    for (int r = 0; r < 6; r++) out[r][x] = 0;
                }
                for (int x = lo; x < hi; x++) {
                    float v[6];
                    GN_NAME(winograd_input_1d)(in[0][x - lo], in[1][x - lo], in[2][x - lo], in[3][x - lo],
                                               in[4][x - lo], in[5][x - lo], v);
                    for (int r = 0; r < 6; r++) out[r][x] = v[r];
                }
                for (int x = hi; x < span; x++) {
                    for (int r = 0; r < 6; r++) out[r][x] = 0;
                }
                for (int j = first; j < first + n; j++) {
                    for (int r = 0; r < 6; r++) {
                        right[r][2 * j] = columns[r][4 * j + 4];
                        right[r][2 * j + 1] = columns[r][4 * j + 5];
                    }
                }
                first += n;
            }
            for (int r = 0; r < 6; r++) {
                float *target = transformed + (size_t)(6 * r) * matrixStride + (size_t)c * ld + (batch - tileBegin);
                // The 36 matrices never overlap, so the six stores of a tile do not depend on each other.
                _Pragma("clang loop vectorize(assume_safety)")
                for (int j = 0; j < count; j++) {
                    const float *d = columns[r] + 4 * j;
                    float v[6];
                    GN_NAME(winograd_input_1d)(d[0], d[1], d[2], d[3], right[r][2 * j], right[r][2 * j + 1], v);
                    for (int x = 0; x < 6; x++) target[(size_t)x * matrixStride + j] = v[x];
                }
            }
        }
    }
}

// Per output channel and batch: over every tile of the batch, A^T m A into rows[y][4J + x] (row y, column x of
// tile J's 4x4 output); then, one tile row at a time, those rows go to the plane through the scale, shift and clamp,
// less the cells past its bottom or right edge.
GN_TARGET static void GN_NAME(winogradOutput4x4)(const float *restrict product, int outputChannels, int outputHeight,
                                                 int outputWidth, int tilesAcross, int tileBegin, int tileEnd,
                                                 size_t matrixStride, size_t ld, const float *scale,
                                                 const float *shift, float lower, float upper,
                                                 float *restrict output, size_t channelStride) {
    float columns[4][6][GN_WINOGRAD_BATCH], rows[4][4 * GN_WINOGRAD_BATCH];
    for (int o = 0; o < outputChannels; o++) {
        const float factor = scale ? scale[o] : 1, offset = shift ? shift[o] : 0;
        float *plane = output + (size_t)o * channelStride;
        for (int batch = tileBegin; batch < tileEnd; batch += GN_WINOGRAD_BATCH) {
            const int count = tileEnd - batch < GN_WINOGRAD_BATCH ? tileEnd - batch : GN_WINOGRAD_BATCH;
            const float *m = product + (size_t)o * ld + (batch - tileBegin);
            for (int x = 0; x < 6; x++) {
                for (int j = 0; j < count; j++) {
                    const float *column = m + (size_t)x * matrixStride + j;
                    float v[4];
                    GN_NAME(winograd_output_1d)(column[0], column[6 * matrixStride], column[12 * matrixStride],
                                                column[18 * matrixStride], column[24 * matrixStride],
                                                column[30 * matrixStride], v);
                    for (int y = 0; y < 4; y++) columns[y][x][j] = v[y];
                }
            }
            for (int y = 0; y < 4; y++) {
                for (int j = 0; j < count; j++) {
                    GN_NAME(winograd_output_1d)(columns[y][0][j], columns[y][1][j], columns[y][2][j], columns[y][3][j],
                                                columns[y][4][j], columns[y][5][j], rows[y] + 4 * j);
                }
            }
            for (int first = 0; first < count;) {
                const int ty = (batch + first) / tilesAcross, tx = (batch + first) % tilesAcross;
                const int n = tilesAcross - tx < count - first ? tilesAcross - tx : count - first;
                const int x0 = 4 * tx, inside = outputWidth - x0 < 4 * n ? outputWidth - x0 : 4 * n;
                for (int y = 0; y < 4 && 4 * ty + y < outputHeight; y++) {
                    const float *source = rows[y] + 4 * first;
                    float *destination = plane + (size_t)(4 * ty + y) * outputWidth + x0;
                    for (int x = 0; x < inside; x++) {
                        float v = source[x] * factor + offset;
                        v = v < lower ? lower : v;
                        destination[x] = v > upper ? upper : v;
                    }
                }
                first += n;
            }
        }
    }
}
