// Elementwise kernels over a flat run of floats: a sum, the fused scale, shift and clamp after a convolution, and a
// clamp out of place.
// Part of KernelBody.h: included once per instruction set, with GN_TARGET, GN_NAME(x) and GN_LANES defined.

GN_TARGET static float GN_NAME(sum)(const float *values, size_t count) {
    float lanes[16] = {0};
    size_t i = 0;
    for (; i + 16 <= count; i += 16)
        for (int l = 0; l < 16; l++) lanes[l] += values[i + l];
    float total = 0;
    for (int l = 0; l < 16; l++) total += lanes[l];
    for (; i < count; i++) total += values[i];
    return total;
}

GN_TARGET static void GN_NAME(affineClamp)(float *values, size_t count, float scale, float shift,
                                           float lower, float upper) {
    for (size_t i = 0; i < count; i++) {
        float v = values[i] * scale + shift;
        v = v < lower ? lower : v;
        values[i] = v > upper ? upper : v;
    }
}

GN_TARGET static void GN_NAME(clampCopy)(const float *restrict input, size_t count, float lower, float upper,
                                         float *restrict output) {
    for (size_t i = 0; i < count; i++) {
        float v = input[i] < lower ? lower : input[i];
        output[i] = v > upper ? upper : v;
    }
}
