import Testing
import RASPLanguage
import RASPCompiler
import RASPTestSupport

/// The compiled model's decoded output against the interpreter's, on every input up to max_seq_len.
@Suite struct ModelAgreementTests {
    static func disagreements(_ program: Program, limit: Int = 20_000) throws -> (checked: Int, bad: [String]) {
        let compiled = try Compiler.compile(program)
        let inputs = InputSpace(program: program).inputs(limit: limit)
        let interpreter = Interpreter(program: program)
        let outputs = compiled.run(inputs)
        var bad: [String] = []
        for (input, output) in zip(inputs, outputs) {
            let expected = try interpreter.run(input)
            if !output.matches(expected, tolerance: 1e-4) { bad.append("\(input): model \(output), interpreter \(expected)") }
        }
        return (inputs.count, bad)
    }

    @Test(arguments: Repository.programFiles.map { String($0.split(separator: "/").last!.dropLast(5)) })
    func compiledModelAgreesWithInterpreter(name: String) throws {
        let program = try Repository.load(name)
        let (checked, bad) = try ModelAgreementTests.disagreements(program, limit: 4_000)
        let count = bad.count
        #expect(count == 0, "\(count) of \(checked) inputs differ: \(bad.prefix(3))")
    }
}
