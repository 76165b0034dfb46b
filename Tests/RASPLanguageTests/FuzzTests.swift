import RASPCore
import Testing
import RASPLanguage
import RASPTestSupport

/// Random byte and token mutations of every program in `programs/`: each must end in diagnostics or a
/// loaded program (whose examples then run), never a crash or a hang.
@Suite struct FuzzTests {
    static let tokenPool = ["vocab", "max_seq_len", "causal", "output", "example", "def", "return", "lambda",
                            "and", "or", "not", "if", "else", "true", "false", "none", "numerical", "categorical",
                            "select", "aggregate", "selector_width", "map", "zipmap", "shift", "length", "tokens",
                            "indices", "x", "y", "(", ")", "[", "]", "{", "}", ",", ";", ":", "=", "..", "->", "+",
                            "-", "*", "/", "//", "%", "**", "==", "!=", "<", "<=", ">", ">=", "0", "1", "-1", "2.5",
                            "1e308", "9223372036854775807", "\"a\"", "'b'", "\"", "#", "inputs distinct", "\\"]

    /// Splits text into rough tokens (words, numbers, strings, punctuation) and the spaces between them.
    static func tokens(_ text: String) -> [String] {
        var out: [String] = []
        var current = ""
        for ch in text {
            if ch.isLetter || ch.isNumber || ch == "_" || ch == "." {
                current.append(ch)
            } else {
                if !current.isEmpty { out.append(current); current = "" }
                out.append(String(ch))
            }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    static func mutate(_ text: String, _ random: inout SplitMix64) -> [UInt8] {
        var bytes = Array(text.utf8)
        let kind = random.next() % 6
        let count = 1 + Int(random.next() % 4)
        for _ in 0..<count {
            switch kind {
            case 0 where !bytes.isEmpty:  // flip a byte
                bytes[Int(random.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: random.next())
            case 1:  // insert a random byte
                bytes.insert(UInt8(truncatingIfNeeded: random.next()), at: Int(random.next() % UInt64(bytes.count + 1)))
            case 2 where bytes.count > 2:  // delete a range
                let start = Int(random.next() % UInt64(bytes.count))
                let end = min(bytes.count, start + 1 + Int(random.next() % 12))
                bytes.removeSubrange(start..<end)
            default:  // token mutations: replace, delete, duplicate, swap
                var toks = tokens(String(decoding: bytes, as: UTF8.self))
                guard !toks.isEmpty else { continue }
                let i = Int(random.next() % UInt64(toks.count))
                switch random.next() % 4 {
                case 0: toks[i] = tokenPool[Int(random.next() % UInt64(tokenPool.count))]
                case 1: toks.remove(at: i)
                case 2: toks.insert(toks[i], at: i)
                default:
                    let j = Int(random.next() % UInt64(toks.count))
                    toks.swapAt(i, j)
                }
                bytes = Array(toks.joined().utf8)
            }
        }
        return bytes
    }

    @Test(arguments: Repository.programFiles)
    func mutationsEndInDiagnosticsOrAProgram(path: String) throws {
        let text = try #require(FileSystem.readText(path))
        // A stable seed per file (FNV-1a of its name, not of the checkout's path), so a failure reproduces
        // in every clone.
        let name = path.split(separator: "/").last.map(String.init) ?? path
        var random = SplitMix64(seed: name.utf8.reduce(0xcbf2_9ce4_8422_2325 as UInt64) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 })
        var loaded = 0, refused = 0
        let mutations = 200
        for _ in 0..<mutations {
            let bytes = FuzzTests.mutate(text, &random)
            do {
                let program = try Program.load(SourceFile(path: "fuzz.rasp", data: bytes))
                loaded += 1
                let interpreter = Interpreter(program: program)
                for example in program.examples.prefix(2) { _ = try? interpreter.run(example.input) }
            } catch {
                refused += 1
                #expect(!error.diagnostics.isEmpty)
                // Every diagnostic points into the file and renders.
                for d in error.diagnostics {
                    #expect(d.location.line >= 0 && d.location.line <= text.utf8.count + 20)
                }
                _ = DiagnosticPrinter(source: error.source).render(error.diagnostics)
            }
        }
        #expect(loaded + refused == mutations)
    }

    @Test func twentyThousandNestedParenthesesGiveADiagnostic() {
        let deep = String(repeating: "(", count: 20_000) + "tokens" + String(repeating: ")", count: 20_000)
        for body in [deep, String(repeating: "not ", count: 20_000) + "tokens", String(repeating: "- ", count: 20_000) + "indices",
                     Array(repeating: "indices", count: 20_000).joined(separator: " ** "),
                     Array(repeating: "indices", count: 20_000).joined(separator: " + "),
                     Array(repeating: "indices if tokens == 1 else", count: 20_000).joined(separator: " ") + " indices",
                     "map(lambda x: " + String(repeating: "(", count: 20_000) + "x" + String(repeating: ")", count: 20_000) + ", tokens)",
                     String(repeating: "[", count: 20_000), String(repeating: "{", count: 20_000)] {
            let text = "vocab {1, 2};\nmax_seq_len 3;\nx = \(body);\n"
            do {
                _ = try Repository.load(text: text)
                Issue.record("a 20,000-deep expression loaded")
            } catch {
                #expect(!error.diagnostics.isEmpty)
            }
        }
    }

    @Test func deepJSONIsAnErrorNotACrash() {
        #expect(throws: JSON.ParseError.self) { try JSON.parse(String(repeating: "[", count: 20_000)) }
        #expect(throws: JSON.ParseError.self) { try JSON.parse(String(repeating: "{\"a\":", count: 20_000)) }
    }
}
