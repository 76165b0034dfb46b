import Foundation
import Testing
import RASPLanguage
import RASPTestSupport

/// docs/TUTORIAL.md shows pictures and a trace made by `rasp draw` and `rasp explain`, checked in under
/// docs/pictures/. They are remade here and must equal the files, as the golden circuits must;
/// `RECORD_GOLDEN=1 swift test` rewrites them (and fails, so a recording is never taken for a pass).
@Suite struct TutorialTests {
    static let directory = Repository.root + "/docs/pictures"

    /// Each checked-in file and the text the tool makes for it now.
    static func made() throws -> [(file: String, text: String)] {
        let tmp = NSTemporaryDirectory() + "rasp-tutorial-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        func run(_ args: String...) throws -> String {
            let r = rasp(args)
            guard r.status == 0 else { throw TestFailure("rasp \(args.joined(separator: " ")): \(r.stderr)") }
            return r.stdout
        }
        let golden = try run("draw", "programs/reverse.rasp")
        _ = try run("prune", "programs/reverse.rasp", "--variant", "noisy", "--seed", "3", "--quiet", "-o", tmp + "/circuit.json")
        let recovered = try run("draw", "programs/reverse.rasp", "--circuit", tmp + "/circuit.json")
        let trace = try run("explain", "programs/reverse.rasp", "--input", "a b c", "--html", tmp + "/trace.html")
        let page = try #require(FileSystem.readText(tmp + "/trace.html"))
        return [("reverse-golden.svg", golden), ("reverse-noisy-seed3.svg", recovered), ("reverse-trace.txt", trace),
                ("reverse-trace.html", page)]
    }

    @Test func theTutorialsPicturesAreUpToDate() throws {
        let record = ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1"
        for (file, text) in try Self.made() {
            let path = Self.directory + "/" + file
            if record {
                try FileSystem.write(bytes: Array(text.utf8), to: path)
                Issue.record("recorded docs/pictures/\(file); run again without RECORD_GOLDEN")
                continue
            }
            let stored = try #require(FileSystem.readText(path), "docs/pictures/\(file) is missing; record it with RECORD_GOLDEN=1")
            #expect(stored == text, "docs/pictures/\(file) is out of date; review and record it with RECORD_GOLDEN=1 swift test --filter TutorialTests")
            if file.hasSuffix(".svg") || file.hasSuffix(".html") { #expect(XMLCheck(text).isWellFormed, "\(file)") }
        }
    }

    @Test func theTutorialAndTheReadmeShowTheCheckedInTrace() throws {
        let trace = try #require(FileSystem.readText(Self.directory + "/reverse-trace.txt"))
        for doc in ["docs/TUTORIAL.md", "README.md"] {
            let text = try #require(FileSystem.readText(Repository.root + "/" + doc))
            #expect(text.contains(trace), "\(doc) must show docs/pictures/reverse-trace.txt as it is")
            #expect(text.contains("pictures/reverse-noisy-seed3.svg"), "\(doc) must show the recovered circuit")
        }
    }
}
