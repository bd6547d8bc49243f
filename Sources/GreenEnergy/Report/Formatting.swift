import Foundation

/// A number for reports and source descriptions: four significant digits, and at least one
/// decimal so that a constant reads as a measured quantity ("12.0 W/core", "PUE 1.0").
func decimal(_ value: Double) -> String {
    let text = String(format: "%.4g", value)
    guard value.isFinite, !text.contains("."), !text.contains("e") else { return text }
    return text + ".0"
}
