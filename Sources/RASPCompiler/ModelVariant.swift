import RASPCore
import RASPLanguage
import RASPModel

/// The model variants of RASP.md 3.6: the same function and golden circuit, without the compiled
/// weights' tell that every writer writes its own residual subspace.
public enum ModelVariant: String, Sendable, CaseIterable {
    case compiled, rotated, noisy
}

/// A program's model in one variant, with how it was made.
public struct VariantModel: Sendable {
    public var variant: ModelVariant
    public var seed: UInt64
    /// The relative noise `e` of a noisy model; 0 otherwise.
    public var noise: Double
    public var model: DenseTransformer
    /// The change of basis R of the residual stream (orthonormal, width x width) of a rotated or noisy
    /// model, whose stream is the compiled one times R (exactly for rotated, up to the noise for noisy);
    /// nil for the compiled model, whose stream is in the compiled basis.
    public var basis: Matrix? = nil

    /// The noise levels tried, largest first: 1e-1, 3e-2, 1e-2, ..., 3e-9, 1e-9.
    public static let noiseLevels: [Double] = [1e-1, 3e-2, 1e-2, 3e-3, 1e-3, 3e-4, 1e-4, 3e-5, 1e-5, 3e-6, 1e-6,
                                              3e-7, 1e-7, 3e-8, 1e-8, 3e-9, 1e-9]
}

/// Why a variant could not be built.
public struct VariantError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

extension CompiledProgram {
    /// Builds `variant` (seeded by `seed`). A noisy model takes the largest noise level at which its
    /// decoded outputs still equal the interpreter's on every input of `evaluation`.
    public func variant(_ variant: ModelVariant, seed: UInt64, evaluation: ProgramEvaluation) throws(VariantError) -> VariantModel {
        let base = dense
        if variant == .compiled { return VariantModel(variant: .compiled, seed: seed, noise: 0, model: base) }
        guard base.width <= DenseTransformer.maximumRotatedWidth else {
            throw VariantError(message: "the \(variant.rawValue) variant is built for residual streams up to \(DenseTransformer.maximumRotatedWidth) wide; '\(program.name)' has \(base.width)")
        }
        let rotation = DenseTransformer.randomRotation(width: base.width, seed: seed)
        let rotated = base.rotated(by: rotation)
        if variant == .rotated { return VariantModel(variant: .rotated, seed: seed, noise: 0, model: rotated, basis: rotation) }
        let noise = rotated.noise(seed: seed)
        for level in VariantModel.noiseLevels {
            let candidate = rotated.adding(noise, scale: level)
            if agreesWithInterpreter(EdgeMaskedModel(model: candidate), evaluation: evaluation) {
                return VariantModel(variant: .noisy, seed: seed, noise: level, model: candidate, basis: rotation)
            }
        }
        throw VariantError(message: "no noise level from 1e-1 down to 1e-9 keeps the outputs of '\(program.name)' equal to the interpreter's")
    }

    /// Whether a model of this program decodes to the interpreter's outputs on every input of
    /// `evaluation`, stopping at the first input where it does not.
    public func agreesWithInterpreter(_ model: EdgeMaskedModel, evaluation: ProgramEvaluation) -> Bool {
        firstDisagreement(model, inputs: evaluation.inputs, expected: evaluation.outputs) == nil
    }

    /// The first input (by index) where the model's decoded output differs from `expected`, checked in
    /// slices of 1,024 inputs so that a model that fails shows it early.
    public func firstDisagreement(_ model: EdgeMaskedModel, inputs: [[Value]], expected: [[Value]]) -> Int? {
        var start = 0
        while start < inputs.count {
            let range = start..<min(inputs.count, start + 1_024)
            let outputs = run(Array(inputs[range]), on: model)
            for (k, output) in outputs.enumerated() where !output.matches(expected[range.lowerBound + k], tolerance: 1e-4) {
                return range.lowerBound + k
            }
            start = range.upperBound
        }
        return nil
    }
}
