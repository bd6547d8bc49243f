import Foundation
import GreenNN

/// Number formatting shared by every report.
enum Format {
    /// `value` with `digits` decimals ("--" for NaN or infinity).
    static func fixed(_ value: Double, _ digits: Int) -> String {
        value.isFinite ? String(format: "%.\(digits)f", value) : "--"
    }

    /// Three significant digits in scientific notation for small energies: 1.23e-03.
    static func scientific(_ value: Double) -> String {
        value.isFinite ? String(format: "%.3g", value) : "--"
    }

    /// An integer with thousands separators: 15,470,264,320.
    static func grouped(_ value: Int) -> String { CostNumber.grouped(value) }
}

/// JSON output with sorted keys, so reports diff cleanly.
enum JSON {
    /// `object` (dictionaries, arrays, strings, numbers) as pretty-printed JSON text.
    static func string(_ object: Any) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]),
            let text = String(data: data, encoding: .utf8)
        else { return "{}" }
        return text
    }
}
