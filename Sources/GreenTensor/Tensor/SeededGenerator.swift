/// A fast, seedable random number generator (xoshiro256**, Blackman and Vigna 2018),
/// so that every random tensor and initialisation in GreenNN is reproducible.
///
/// ```swift
/// var generator = SeededGenerator(seed: 42)
/// let weights = try Tensor.heNormal([64, 3, 3, 3], using: &generator)
/// ```
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    /// Creates a generator whose stream is fully determined by `seed`
    /// (the state is expanded from the seed with SplitMix64).
    public init(seed: UInt64) {
        var mixer = seed
        func splitMix() -> UInt64 {
            mixer &+= 0x9E37_79B9_7F4A_7C15
            var z = mixer
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = ((state.1 &* 5) << 7 | (state.1 &* 5) >> 57) &* 9
        let shifted = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= shifted
        state.3 = state.3 << 45 | state.3 >> 19
        return result
    }

    /// A uniform Float in [0, 1) with 24 random bits.
    mutating func nextUnitFloat() -> Float {
        Float(next() >> 40) * 0x1p-24
    }
}
