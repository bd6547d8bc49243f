internal import CKernels

/// Int8 weights `[rows, columns]` (codes in −127...127) packed for the int8 GEMM: panels of 4
/// rows, 4 codes of a row along the columns side by side (what one vpdpbusd lane multiplies),
/// then each row's sum of codes (the zero-point correction). Packed once, when a quantized plan
/// is built.
package final class PackedInt8Matrix: @unchecked Sendable {
    /// Rows (M: output channels).
    package let rows: Int
    /// Columns (K: the reduction).
    package let columns: Int
    let base: UnsafeMutableRawPointer

    /// Rows per panel: row ranges start at multiples of this.
    package static let panelRows = Int(GN_INT8_PANEL_ROWS)

    /// Packs `codes` `[rows, columns]` (rows `leadingDimension` apart), each in −127...127.
    package init(codes: UnsafePointer<Int8>, rows: Int, columns: Int, leadingDimension: Int) {
        (self.rows, self.columns) = (rows, columns)
        let count = gn_packed_int8_a_size(rows, columns)
        base = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(64, count), alignment: 64)
        gn_pack_int8_a(codes, rows, columns, leadingDimension, base.assumingMemoryBound(to: Int8.self))
    }

    /// Bytes held.
    package var byteCount: Int { gn_packed_int8_a_size(rows, columns) }

    deinit {
        base.deallocate()
    }
}
