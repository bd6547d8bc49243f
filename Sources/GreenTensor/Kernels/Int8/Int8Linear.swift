// A fully connected layer on u8 codes: y [N, out] = requantize(x [N, in] · Wᵀ), W packed once as
// [out, in] s8 codes; one int8 GEMM with the batch as its columns (x and y transposed through the
// workspace when N > 1). MACs: N · in · out.
internal import CKernels

/// `input` (u8 `[N, in]`) times `weights` (packed `[out, in]`) into `output` (u8 `[N, out]`),
/// output feature `o` requantized with `requantization`'s entry `o`.
package func int8Linear(
    _ input: Int8Batch, weights: PackedInt8Matrix, requantization: Int8Requantization, into output: Int8Batch,
    workspace: Workspace, instructionSet: Int8InstructionSet = .active
) {
    let (batch, inputs, outputs) = (input.batch, weights.columns, weights.rows)
    let table = Int8Kernels.table(for: instructionSet)
    let gemmBytes = (gn_int8_workspace_size(inputs) + 63) / 64 * 64
    let transposedBytes = batch == 1 ? 0 : (inputs * batch + outputs * batch + 63) / 64 * 64
    let scratch = SharedBytes(workspace, bytes: gemmBytes + transposedBytes)
    let columns = scratch.base + gemmBytes
    let products = columns + inputs * batch
    if batch > 1 {
        for image in 0..<batch {
            let row = input.image(image)
            for feature in 0..<inputs { columns[feature * batch + image] = row[feature] }
        }
    }
    requantization.withCValue { cRequantization in
        table.gemm(
            weights.base.assumingMemoryBound(to: Int8.self), Int32(outputs), Int32(inputs),
            batch == 1 ? input.base : columns, batch, Int32(batch), cRequantization,
            batch == 1 ? output.base : products, batch, scratch.base)
    }
    if batch > 1 {
        for image in 0..<batch {
            let row = output.image(image)
            for feature in 0..<outputs { row[feature] = products[feature * batch + image] }
        }
    }
}
