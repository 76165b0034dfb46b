import Foundation
import Testing
@testable import RASPCommand
import RASPLanguage
import RASPTestSupport

/// Streams, write errors, paths, exit codes, help and `--json`: the plumbing around the commands.
@Suite struct PlumbingTests {
    static let reverse = "programs/reverse.rasp"

    @Test func everyInputLineGetsAnOutputLineInOrder() {
        let r = rasp("eval", PlumbingTests.reverse, "--inputs", "-", stdin: "a b c\r\nb\r\nzz\n\nc a")
        #expect(r.status == 64)
        #expect(r.stdout == "c b a\nb\nerror: token 'zz' is not in the vocab {a, b, c}\n\na c\n")
        #expect(r.stderr == "rasp eval: error: input line 3: token 'zz' is not in the vocab {a, b, c}\n")
        let j = rasp("run", PlumbingTests.reverse, "--inputs", "-", "--json", stdin: "a b\rzz\r")
        #expect(j.stdout == "{\"input\":[\"a\",\"b\"],\"output\":[\"b\",\"a\"]}\n{\"error\":\"token 'zz' is not in the vocab {a, b, c}\",\"line\":2}\n")
    }

    @Test func anOverlongLineIsRefusedWithoutEchoingIt() {
        let long = String(repeating: "a ", count: 600_000)
        let r = rasp("eval", PlumbingTests.reverse, "--inputs", "-", stdin: long + "\nb\n")
        #expect(r.stdout == "error: the line has 1,200,000 bytes, more than the limit of 1,000,000\nb\n")
        #expect(r.stderr.count < 200)
        let token = rasp("eval", PlumbingTests.reverse, "--input", String(repeating: "x", count: 5_000))
        #expect(token.stderr.count < 200)
    }

    @Test func linesAreAnsweredAsTheyAreRead() {
        var served = 0
        let stream = LineStream { _ in served += 1; return served <= 3 ? Array("a b\n".utf8) : [] }
        #expect(stream.next() == .text("a b"))
        #expect(served == 1)
        #expect(stream.next() == .text("a b"))
        #expect(served == 2)
    }

    @Test func aFullStdoutFailsTheCommand() {
        let r = rasp(in: Repository.root, ["eval", PlumbingTests.reverse, "--input", "a b"], outputFails: true)
        #expect(r.status == 1)
        #expect(r.stderr == "rasp eval: error: cannot write to standard output: No space left on device\n")
        #expect(rasp(in: Repository.root, ["circuit", PlumbingTests.reverse], outputFails: true).status == 1)
    }

    @Test func aFileThatCannotBeWrittenFailsWithTheReason() {
        let r = rasp("circuit", PlumbingTests.reverse, "-o", "/dev/full")
        #expect(r.status == 1)
        #expect(r.stderr == "rasp circuit: error: cannot write '/dev/full': No space left on device\n")
        let blocked = rasp("circuit", PlumbingTests.reverse, "-o", "programs/reverse.rasp/x.json")
        #expect(blocked.status == 1)
        #expect(blocked.stderr.contains("cannot create its directory"))
    }

    @Test func theOutputsDirectoryIsCreated() throws {
        let base = PipelineCommandTests.temporary("made"), directory = base + "/a/b"
        defer { try? FileManager.default.removeItem(atPath: base) }
        #expect(rasp("circuit", PlumbingTests.reverse, "-o", directory + "/reverse.json").status == 0)
        #expect(FileSystem.exists(directory + "/reverse.json"))
    }

    @Test func theGoldenDirectoryIsFoundHoweverTheProgramIsSpelled() {
        let root = Repository.root
        for (cwd, path) in [(root + "/programs", "reverse.rasp"), (root, "programs//reverse.rasp"), (root, "./programs/../programs/reverse.rasp")] {
            let r = rasp(in: cwd, ["check", path, "--seeds", "0", "--variants", "compiled"])
            #expect(r.status == 0, "\(cwd) \(path): \(r.stderr)")
            #expect(r.stdout.contains("as recorded in"), "\(r.stdout)")
        }
    }

    @Test func aMissingFileExitsOneInEveryCommand() {
        for args in [["eval", "nope.rasp", "--input", "a"], ["check", "nope.rasp"], ["run", "nope.rasp", "--input", "a"],
                     ["eval", PlumbingTests.reverse, "--inputs", "nope.txt"], ["verify", PlumbingTests.reverse, "--circuit", "nope.json"]] {
            let r = rasp(args)
            #expect(r.status == 1, "\(args): \(r.stderr)")
            #expect(r.stderr.contains("nope"), "\(args): \(r.stderr)")
        }
        #expect(rasp("eval", "--", PlumbingTests.reverse, "--input", "a").status == 64)
        #expect(rasp("eval", PlumbingTests.reverse, "--", "--input").stderr.contains("takes one program file"))
    }

    @Test func everyCommandDocumentsEachOptionItTakes() {
        for command in ["eval", "run", "explain", "compile", "circuit", "export-data", "prune", "verify", "draw", "check", "compare", "bench"] {
            let help = rasp(command, "--help")
            #expect(help.status == 0)
            let refused = rasp(command, "--no-such-option")
            guard let list = refused.stderr.split(separator: "(this command takes ").last?.split(separator: ")").first else {
                Issue.record("\(command): \(refused.stderr)")
                continue
            }
            for option in list.split(separator: ", ") where option != "--output" {
                #expect(help.stdout.contains("  \(option) ") || help.stdout.contains("  \(option)\n") || help.stdout.contains(", \(option) "),
                        "\(command) --help does not document \(option)")
            }
        }
    }

    @Test func pruneAndCheckAnswerInJSON() throws {
        let prune = rasp("prune", "programs/length.rasp", "--json", "--quiet")
        let object = try JSON.parse(prune.stdout)
        #expect(object["faithful"]?.boolValue == true)
        #expect(object["circuit"]?["program"]?.stringValue == "length")
        let check = rasp("check", "programs/length.rasp", "--json", "--seeds", "0", "--variants", "compiled")
        let report = try JSON.parse(check.stdout)
        #expect(report["passed"]?.boolValue == true)
        #expect(report["programs"]?.arrayValue?.first?["variants"]?.arrayValue?.first?["runs"]?.arrayValue?.count == 1)
        #expect(check.stderr.contains("passed the pipeline checks"))
    }
}
