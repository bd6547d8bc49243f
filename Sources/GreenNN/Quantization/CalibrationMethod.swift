/// How calibration turns the activations it observed into an 8-bit range.
///
/// ```swift
/// let method = CalibrationMethod(parsing: "percentile:99.9") ?? .minMax
/// let parameters = observer.parameters(method)
/// ```
public enum CalibrationMethod: Sendable, Equatable, CustomStringConvertible {
    /// The smallest and largest value seen.
    case minMax
    /// The range from the (100 - p)th to the p-th percentile of the values seen (p in (50, 100],
    /// e.g. 99.99), which clips rare outliers.
    case percentile(Double)

    /// Reads a command line value: "minmax" or "min-max", "percentile" (99.99) or
    /// "percentile:P" with P in (50, 100], in any letter case; nil for anything else.
    public init?(parsing text: String) {
        let lowered = text.lowercased()
        switch lowered {
        case "minmax", "min-max": self = .minMax
        case "percentile": self = .percentile(99.99)
        default:
            let prefix = "percentile:"
            guard lowered.hasPrefix(prefix), let percent = Double(lowered.dropFirst(prefix.count)),
                percent > 50, percent <= 100
            else { return nil }
            self = .percentile(percent)
        }
    }

    /// "min-max" or "percentile 99.99" (the number in its shortest form: "percentile 100").
    public var description: String {
        switch self {
        case .minMax: "min-max"
        case let .percentile(percent):
            percent == percent.rounded() && abs(percent) < 1e15
                ? "percentile \(Int64(percent))" : "percentile \(percent)"
        }
    }
}
