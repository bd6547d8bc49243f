/// The grams of CO2-equivalent emitted per kilowatt-hour of electricity, with a label
/// saying where the figure comes from.
///
/// The default is the world average of 475 gCO2e/kWh (IEA, *Global Energy & CO2 Status
/// Report 2019*), the value CodeCarbon (`world_average` in
/// `data/private_infra/carbon_intensity_per_source.json`) and Green Algorithms (`WORLD` in
/// `data/latest/CI_aggregated.csv`) both use when they know nothing better; Carbontracker
/// uses 481 (ENERGY.md §3). A user value always wins: pass your grid's figure.
///
/// grams = joules / 3.6e6 J/kWh × gramsCO2ePerKilowattHour.
public struct CarbonIntensity: Sendable, Equatable, CustomStringConvertible {
    /// Grams of CO2e per kilowatt-hour.
    public let gramsCO2ePerKilowattHour: Double
    /// Where the figure comes from, e.g. "world average, IEA 2019".
    public let label: String

    /// Joules in one kilowatt-hour: 1000 W × 3600 s.
    public static let joulesPerKilowattHour: Double = 3_600_000

    /// 475 gCO2e/kWh, "world average, IEA 2019" (CodeCarbon and Green Algorithms).
    public static let worldAverage = CarbonIntensity(checked: 475, label: "world average, IEA 2019")

    /// A carbon intensity from a user value.
    /// - Throws: `EnergyError.invalidArgument` unless the value is finite and non-negative.
    public init(gramsCO2ePerKilowattHour: Double, label: String = "user value") throws(EnergyError) {
        guard gramsCO2ePerKilowattHour.isFinite, gramsCO2ePerKilowattHour >= 0 else {
            throw .invalidArgument(
                operation: "CarbonIntensity",
                message: "gramsCO2ePerKilowattHour must be finite and non-negative, got \(gramsCO2ePerKilowattHour)")
        }
        self.init(checked: gramsCO2ePerKilowattHour, label: label)
    }

    private init(checked grams: Double, label: String) {
        gramsCO2ePerKilowattHour = grams
        self.label = label
    }

    /// Grams of CO2e for `joules` of electricity.
    public func gramsCO2e(joules: Double) -> Double {
        joules / Self.joulesPerKilowattHour * gramsCO2ePerKilowattHour
    }

    /// "475.0 gCO2e/kWh (world average, IEA 2019)".
    public var description: String {
        "\(decimal(gramsCO2ePerKilowattHour)) gCO2e/kWh (\(label))"
    }
}
