import RASPLanguage

/// The interpreter run over every input of a program (or a seeded sample past `limit`): the outputs,
/// which s-ops take more than one value, and the errors that make a program uncompilable.
///
/// The compiler needs this because some faults only show on inputs: a categorical aggregate that can
/// select two different values (tracr silently averages their one-hots), or a numerical s-op with no
/// value (a numerical dimension cannot hold `none`). Each becomes a located `CompileError`.
public struct ProgramEvaluation: Sendable {
    public var inputs: [[Value]]
    public var outputs: [[Value]]
    /// Whether each program node takes more than one value (`none` counts as a value) over the inputs.
    public var varies: [Bool]
    /// The number of inputs of the program (saturating); more than `inputs.count` when sampled.
    public var inputSpaceSize: Int

    public var isSample: Bool { inputs.count < inputSpaceSize }

    public static let defaultLimit = 20_000

    /// Evaluates every input, or a sample of `limit` (fewer for very long inputs: at most 2 million tokens).
    public static func run(_ program: Program, limit: Int = defaultLimit, seed: UInt64 = 0) throws(CompileError) -> ProgramEvaluation {
        let space = InputSpace(program: program)
        let inputs = space.inputs(limit: min(limit, max(100, 2_000_000 / program.maxSeqLen)), seed: seed)
        let interpreter = Interpreter(program: program)
        var outputs: [[Value]] = []
        outputs.reserveCapacity(inputs.count)
        var first = [Value?](repeating: nil, count: program.nodes.count)
        var varies = [Bool](repeating: false, count: program.nodes.count)
        let live = program.isLive
        for input in inputs {
            let values: [[Value]]
            do throws(Interpreter.Failure) { values = try interpreter.evaluate(input) } catch {
                throw CompileError(error.message, at: error.location)
            }
            for (id, node) in program.nodes.enumerated() where live[id] {
                for (p, v) in values[id].enumerated() {
                    if node.encoding == .numerical, v.isNone {
                        throw CompileError("numerical s-op '\(node.label)' has no value at position \(p) of input \(showInput(input)); a numerical dimension cannot hold none", at: node.location)
                    }
                    if varies[id] { break }
                    if let f = first[id] { if f != v { varies[id] = true } } else { first[id] = v }
                }
            }
            outputs.append(values[program.output])
        }
        return ProgramEvaluation(inputs: inputs, outputs: outputs, varies: varies, inputSpaceSize: space.count)
    }

    static func showInput(_ input: [Value]) -> String {
        "[" + input.map(\.quotedDescription).joined(separator: ", ") + "]"
    }
}
