import RASPLanguage
import RASPModel
import RASPCompiler
import Discovery
import RASPCircuits
import RASPCore

/// The stages every command shares: load and check, compile, and evaluate every input with the
/// interpreter (which finds the faults only inputs reveal); then a model variant and a discovery task
/// on it. Failures are printed as located errors.
struct Pipeline {
    var program: Program
    var compiled: CompiledProgram
    var evaluation: ProgramEvaluation
    var compileSeconds: Double
    var evaluationSeconds: Double

    static func compile(_ path: String, console: Console) -> Pipeline? {
        guard let program = RASPCommandLine.loadProgram(path, console: console) else { return nil }
        return compile(program, console: console)
    }

    static func compile(_ program: Program, console: Console) -> Pipeline? {
        do throws(CompileError) {
            var compiled: CompiledProgram? = nil
            var compileError: CompileError? = nil
            let compileSeconds = Clock.measure {
                do throws(CompileError) { compiled = try Compiler.compile(program) } catch { compileError = error }
            }
            if let compileError { throw compileError }
            var evaluation: ProgramEvaluation? = nil
            var evaluationError: CompileError? = nil
            let evaluationSeconds = Clock.measure {
                do throws(CompileError) { evaluation = try ProgramEvaluation.run(program) } catch { evaluationError = error }
            }
            if let evaluationError { throw evaluationError }
            return Pipeline(program: program, compiled: compiled!, evaluation: evaluation!, compileSeconds: compileSeconds,
                            evaluationSeconds: evaluationSeconds)
        } catch {
            RASPCommandLine.report(error.message, at: error.location, in: program, console: console)
            return nil
        }
    }

    /// The program's model in the chosen variant, or nil after printing why it cannot be built.
    func variant(_ options: VariantOptions, console: Console) -> VariantModel? {
        do throws(VariantError) {
            return try compiled.variant(options.variant, seed: options.seed, evaluation: evaluation)
        } catch {
            console.errLine("\(program.source.path): error: \(error.message)")
            return nil
        }
    }

    /// The discovery task on `model` under `ablation`, over the inputs circuits are judged on; `seed`
    /// draws the sample of a program with many inputs and the resample partners.
    func task(_ model: VariantModel, ablation: Ablation.Kind, seed: UInt64 = 0) -> CircuitTask {
        ProgramTask.make(compiled, model: model.model, inputs: ProgramTask.inputs(compiled, evaluation: evaluation, seed: seed),
                         ablation: ablation, seed: seed)
    }
}

/// `--variant NAME` and `--variant-seed N` (RASP.md 3.6), taken by every command that builds a model.
struct VariantOptions {
    var variant: ModelVariant
    var seed: UInt64

    static let names = ModelVariant.allCases.map(\.rawValue)
    static let optionNames: Set<String> = ["variant", "variant-seed"]

    init(variant: ModelVariant = .compiled, seed: UInt64 = 0) {
        self.variant = variant
        self.seed = seed
    }

    init(_ arguments: Arguments, defaultVariant: String = "compiled") throws(Arguments.UsageError) {
        variant = ModelVariant(rawValue: try arguments.choice("variant", default: defaultVariant, among: VariantOptions.names))!
        seed = UInt64(try arguments.integer("variant-seed", default: 0, range: 0...Int(Int32.max)))
    }

    /// `compiled,noisy` for `--variants`.
    static func list(_ spec: String) throws(Arguments.UsageError) -> [ModelVariant] {
        var out: [ModelVariant] = []
        for part in spec.split(separator: ",") {
            guard let v = ModelVariant(rawValue: String(part)) else {
                throw Arguments.UsageError(message: "--variants takes a comma-separated list of \(names.joined(separator: ", ")), got '\(spec)'")
            }
            if !out.contains(v) { out.append(v) }
        }
        guard !out.isEmpty else { throw Arguments.UsageError(message: "--variants needs at least one variant") }
        return out
    }

    /// How reports name the variant: `noisy`, or `noisy:3` for another variant seed.
    var label: String { seed == 0 ? variant.rawValue : "\(variant.rawValue):\(seed)" }
}
