import Testing
import RASPLanguage
import RASPTestSupport

/// The interpreter against the outputs of tracr's own evaluator (library.json).
@Suite struct TracrLibraryTests {
    @Test func everyLibraryProgramHasAProgramFile() throws {
        #expect(TracrLibrary.programs.count == 16)
        for p in TracrLibrary.programs {
            let program = try Repository.load(p.name)
            #expect(program.vocab == p.vocab.sorted(by: Value.order), "vocab of \(p.name)")
            #expect(program.maxSeqLen == p.maxSeqLen, "max_seq_len of \(p.name)")
        }
    }

    @Test(arguments: TracrLibrary.programs.map(\.name))
    func interpreterReproducesTracr(name: String) throws {
        let reference = try #require(TracrLibrary.programs.first { $0.name == name })
        let program = try Repository.load(name)
        let interpreter = Interpreter(program: program)
        var mismatches: [String] = []
        for (input, expected) in reference.cases {
            let output = try interpreter.run(input)
            if !TracrLibrary.matches(output, expected) {
                mismatches.append("\(input) -> \(output), tracr \(expected)")
            }
        }
        let count = mismatches.count
        #expect(count == 0, "\(count) of \(reference.cases.count) differ: \(mismatches.prefix(5))")
        #expect(reference.cases.count > 50)
    }

    @Test func allCasesAreChecked() {
        // About 6,000 inputs over 16 programs.
        let total = TracrLibrary.programs.map(\.cases.count).reduce(0, +)
        #expect(total > 6_000)
    }
}

@Suite struct FixtureTests {
    /// The repository keeps a copy of ../shared/tracr/library.json so tests run on a clean clone; when the
    /// shared file is present, the copy must be identical.
    @Test func libraryFixtureMatchesTheSharedFile() throws {
        let shared = Repository.root + "/../shared/tracr/library.json"
        guard let original = FileSystem.readBytes(shared) else { return }
        #expect(FileSystem.readBytes(Repository.fixtures + "/tracr/library.json") == original)
    }
}
