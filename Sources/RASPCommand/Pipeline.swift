import RASPLanguage
import RASPModel
import RASPCompiler

/// The stages every command shares: load and check, compile, and evaluate every input with the
/// interpreter (which finds the faults only inputs reveal). Failures are printed as located errors.
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
}
