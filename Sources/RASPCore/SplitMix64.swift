#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A small, fast, seedable generator (Steele, Lea, Flood 2014, "Fast splittable pseudorandom number
/// generators"): state += 0x9E3779B97F4A7C15, then two xor-shift-multiply rounds. The same seed gives
/// the same numbers on every machine.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform Double in (0, 1), never exactly 0 or 1.
    public mutating func nextUnit() -> Double {
        (Double(next() >> 11) + 0.5) / 9_007_199_254_740_992.0
    }

    /// A standard normal draw (Box and Muller 1958): sqrt(-2 ln u) cos(2 pi v) for u, v uniform in (0, 1).
    public mutating func nextGaussian() -> Double {
        let u = nextUnit(), v = nextUnit()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }

    /// A uniform integer in 0..<n (n > 0), by the modulo of a 64-bit draw (bias below 2^-40 for n < 2^24).
    public mutating func next(below n: Int) -> Int { Int(next() % UInt64(n)) }

    /// Fisher-Yates shuffle.
    public mutating func shuffle<T>(_ items: inout [T]) {
        guard items.count > 1 else { return }
        for i in stride(from: items.count - 1, to: 0, by: -1) { items.swapAt(i, next(below: i + 1)) }
    }
}
