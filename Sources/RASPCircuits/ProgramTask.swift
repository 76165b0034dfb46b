import RASPLanguage
import RASPModel
import RASPCompiler
import Discovery

/// The RASP side of a discovery task: a program's evaluation inputs and one of its model variants,
/// handed to `CircuitTask`, which shows methods nothing but the masked model and the outputs.
public enum ProgramTask {
    /// The sample size when a program has more than 20,000 inputs.
    public static let sampleLimit = 2_000
    /// Most tokens the inputs may hold in all: long sequences make fewer of them (the work of one
    /// sequence grows with the square of its length).
    public static let tokenLimit = 400_000
    /// Most values the full model's outputs on the inputs may hold (128 MB): a wide output (hist at
    /// max_seq_len 1000 has 1,001 output dimensions) makes fewer tokens.
    public static let outputValueLimit = 16_000_000

    /// The inputs circuits are found and judged on: every input up to max_seq_len when there are at
    /// most 20,000 within the token budget (the interpreter's evaluation), else a seeded sample of
    /// 2,000, fewer when they would pass the budget: `tokenLimit` tokens, and `outputValueLimit`
    /// output values for a model with `outputWidth` output dimensions.
    public static func inputs(_ program: Program, evaluation: ProgramEvaluation, seed: UInt64 = 0, outputWidth: Int = 1) -> [[Value]] {
        let budget = min(tokenLimit, outputValueLimit / max(1, outputWidth))
        let tokens = evaluation.inputs.reduce(0) { $0 + $1.count }
        if !evaluation.isSample, tokens <= budget { return evaluation.inputs }
        let limit = min(sampleLimit, max(16, budget / program.maxSeqLen))
        return InputSpace(program: program).inputs(limit: limit, seed: seed)
    }

    /// The inputs for `compiled`'s model, within the budgets of `inputs`.
    public static func inputs(_ compiled: CompiledProgram, evaluation: ProgramEvaluation, seed: UInt64 = 0) -> [[Value]] {
        inputs(compiled.program, evaluation: evaluation, seed: seed, outputWidth: compiled.model.outputDimensions.count)
    }

    /// The task for `model` (a variant of `compiled`) on `inputs`, under `ablation`; `seed` draws the
    /// resample partners.
    public static func make(_ compiled: CompiledProgram, model: DenseTransformer, inputs: [[Value]], ablation: Ablation.Kind,
                            seed: UInt64 = 0, workers: Int? = nil) -> CircuitTask {
        CircuitTask(name: compiled.program.name, model: model, batches: compiled.batches(inputs).map(\.batch), ablation: ablation, seed: seed,
                    workers: workers)
    }
}
