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

/// JSON output with sorted keys, so reports diff cleanly. A number with no meaning (NaN,
/// infinity) and a missing optional are written as `null`; anything else that cannot be
/// encoded is an error, never an empty document.
enum JSON {
    /// `object` (dictionaries, arrays, strings, numbers, optionals) as pretty-printed JSON text.
    /// - Throws: `JSONError` naming what could not be encoded.
    static func string(_ object: Any) throws(JSONError) -> String {
        let value = encodable(object)
        guard JSONSerialization.isValidJSONObject(value) else {
            throw JSONError("cannot encode \(type(of: object)) as a JSON document")
        }
        do {
            let data = try JSONSerialization.data(withJSONObject: value, options: [.prettyPrinted, .sortedKeys])
            return String(decoding: data, as: UTF8.self)
        } catch {
            throw JSONError("JSON encoding failed: \(error)")
        }
    }

    /// `value` with non-finite numbers and empty optionals replaced by `NSNull`, recursively.
    static func encodable(_ value: Any) -> Any {
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            return mirror.children.first.map { encodable($0.value) } ?? NSNull()
        }
        switch value {
        case let number as Double: return number.isFinite ? number : NSNull()
        case let number as Float: return number.isFinite ? Double(number) : NSNull()
        case let dictionary as [String: Any]: return dictionary.mapValues(encodable)
        case let array as [Any]: return array.map(encodable)
        default: return value
        }
    }
}

/// A report that could not be encoded as JSON (greenbench exits with status 1).
struct JSONError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
