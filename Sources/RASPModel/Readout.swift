/// How a model's outputs are read at one position: the rule a compiled RASP model is decoded by, and
/// therefore what "the circuit reproduces the full model" means.
///
/// - categorical: the output block has one logit per value; the value is the largest logit's column,
///   or "no value" (`none`) when no logit exceeds `noneThreshold`;
/// - numerical: the value is the block's first logit; two outputs agree within `tolerance`
///   (absolute below 1, relative above).
public enum Readout: Sendable, Equatable {
    case categorical(noneThreshold: Double)
    case numerical(tolerance: Double)

    public static let compiledCategorical = Readout.categorical(noneThreshold: 0.5)
    public static let compiledNumerical = Readout.numerical(tolerance: 1e-4)

    public var isNumerical: Bool { if case .numerical = self { return true } else { return false } }

    /// The column of the largest logit above the threshold (the first of equal ones), or -1 for none.
    @inline(__always)
    public func category(_ block: UnsafePointer<Double>, width: Int) -> Int {
        guard case .categorical(let threshold) = self else { return 0 }
        var best = -1, bestValue = threshold
        for j in 0..<width where block[j] > bestValue {
            best = j
            bestValue = block[j]
        }
        return best
    }

    /// Whether a circuit's output block reads as the same value as the reference's.
    @inline(__always)
    public func agrees(reference: UnsafePointer<Double>, circuit: UnsafePointer<Double>, width: Int) -> Bool {
        switch self {
        case .categorical:
            return category(reference, width: width) == category(circuit, width: width)
        case .numerical(let tolerance):
            let r = reference[0], c = circuit[0]
            return abs(c - r) <= tolerance * max(1, abs(r))
        }
    }
}
