import Foundation
import Testing
import RASPCore
@testable import RASPCommand
import RASPCircuits
import RASPLanguage
import RASPModel
import RASPTestSupport

/// Seeded random input streams, circuit files and paths through the command line: each ends in an
/// answer or an error with one of the documented exit codes, never a crash, and input streams keep
/// one output line per input line.
@Suite struct CommandFuzzTests {
    static let pieces = ["a", "b", "c", "d", " ", "  ", "\t", "\n", "\r\n", "\r", "\0", "\u{FEFF}", "é", "a b c d e f", "zz", "\u{FFFD}"]

    /// Lines as `LineStream` counts them: ended by LF, CRLF or a lone CR; a last line without an ending counts.
    static func lineCount(_ bytes: [UInt8]) -> Int {
        var count = 0, i = 0, open = false
        while i < bytes.count {
            if bytes[i] == 10 || bytes[i] == 13 {
                count += 1
                open = false
                if bytes[i] == 13, i + 1 < bytes.count, bytes[i + 1] == 10 { i += 1 }
            } else {
                open = true
            }
            i += 1
        }
        return count + (open ? 1 : 0)
    }

    @Test func inputStreamsAnswerEveryLine() {
        var random = SplitMix64(seed: 13)
        for _ in 0..<120 {
            var text = ""
            for _ in 0..<random.next(below: 12) { text += CommandFuzzTests.pieces[random.next(below: CommandFuzzTests.pieces.count)] }
            if random.next(below: 10) == 0 { text += String(repeating: "a", count: 1_000_001) }
            let command = random.next(below: 2) == 0 ? "eval" : "run"
            let json = random.next(below: 2) == 0
            let r = rasp([command, "programs/reverse.rasp", "--inputs", "-"] + (json ? ["--json"] : []), stdin: text)
            #expect([0, 1, 64].contains(r.status), "\(command) \(text.debugDescription): \(r.stderr)")
            let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).count - 1
            #expect(lines == CommandFuzzTests.lineCount(Array(text.utf8)), "\(text.debugDescription) -> \(r.stdout.debugDescription)")
        }
    }

    @Test func mutatedCircuitFilesAreReadOrRefused() throws {
        let golden = try #require(FileSystem.readText(Repository.golden + "/reverse.json"))
        let graph = ComputeGraph(layers: 4, headSlots: 1)
        var random = SplitMix64(seed: 29)
        var refused = 0
        for _ in 0..<400 {
            var bytes = Array(golden.utf8)
            for _ in 0...random.next(below: 4) {
                let at = random.next(below: bytes.count)
                switch random.next(below: 3) {
                case 0: bytes.remove(at: at)
                case 1: bytes.insert(Array("{}[],:\"0-e".utf8)[random.next(below: 10)], at: at)
                default: bytes[at] = UInt8(truncatingIfNeeded: random.next())
                }
            }
            do throws(Circuit.FormatError) {
                _ = try Circuit.parse(String(decoding: bytes, as: UTF8.self), graph: graph)
            } catch {
                refused += 1
                #expect(!error.message.isEmpty)
            }
        }
        #expect(refused > 100)
        // A few through `rasp verify`: a refused file is exit 1 with a message naming the file.
        let path = PipelineCommandTests.temporary("fuzz.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        for cut in [1, 100, 1_000, golden.utf8.count / 2] {
            try FileSystem.write(String(golden.prefix(cut)), to: path)
            let r = rasp("verify", "programs/reverse.rasp", "--circuit", path)
            #expect(r.status == 1)
            #expect(r.stderr.contains(path))
        }
    }

    @Test func oddPathsGiveAnAnswerOrAReason() {
        let spellings = ["programs/reverse.rasp", "programs//reverse.rasp", "./programs/./reverse.rasp", "programs/../programs/reverse.rasp",
                         "programs", "programs/", "nope.rasp", "programs/nope/", "golden/reverse.json", "/", "", "-", "--",
                         "programs/reverse.rasp/", "\u{0}", String(repeating: "x/", count: 300)]
        var random = SplitMix64(seed: 5)
        for _ in 0..<40 {
            let path = spellings[random.next(below: spellings.count)]
            let output = ["/dev/full", PipelineCommandTests.temporary("o") + "/x/y.json", "programs/reverse.rasp/x.json", "/proc/nope/x"]
            let args: [String]
            switch random.next(below: 3) {
            case 0: args = ["eval", path, "--input", "a b"]
            case 1: args = ["circuit", path, "-o", output[random.next(below: output.count)]]
            default: args = ["compile", path]
            }
            let r = rasp(args)
            #expect([0, 1, 64].contains(r.status), "\(args)")
            if r.status != 0 { #expect(!r.stderr.isEmpty, "\(args)") }
        }
    }
}
