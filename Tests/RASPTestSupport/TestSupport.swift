import Foundation
import RASPLanguage

/// Paths inside the repository, found from this file's location so tests run from any directory.
public enum Repository {
    public static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    public static var programs: String { root + "/programs" }
    public static var golden: String { root + "/golden" }
    public static var fixtures: String { root + "/Tests/Fixtures" }

    public static func program(_ name: String) -> String { "\(programs)/\(name).rasp" }

    /// Every program file under `programs/`, sorted.
    public static var programFiles: [String] { FileSystem.programs(in: programs) }

    /// The names of every program under `programs/`.
    public static var programNames: [String] { programFiles.map { String($0.split(separator: "/").last!.dropLast(5)) } }

    /// Whether `RASP_FULL_SWEEP=1` asks for the sweeps over every program (best with `-c release`).
    public static var fullSweep: Bool { ProcessInfo.processInfo.environment["RASP_FULL_SWEEP"] == "1" }

    /// The programs a sweep runs: all of them under `RASP_FULL_SWEEP=1`, else those with max_seq_len
    /// 5 or so (the `_16` programs sample 20,000 inputs of 16 tokens, minutes in a debug build).
    public static var sweepPrograms: [String] { fullSweep ? programNames : programNames.filter { !$0.hasSuffix("_16") } }

    public static func load(_ name: String) throws -> Program {
        do { return try Program.load(path: program(name)) } catch {
            throw TestFailure(DiagnosticPrinter(source: error.source).render(error.diagnostics))
        }
    }

    /// Loads a program from text (for tests of small or malformed programs).
    public static func load(text: String, name: String = "test.rasp") throws(Program.Failure) -> Program {
        try Program.load(SourceFile(path: name, text: text))
    }
}

public struct TestFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// One program of tracr's library, as `library.json` records it.
public struct TracrLibraryProgram: Sendable {
    public var name: String
    public var vocab: [Value]
    public var maxSeqLen: Int
    public var cases: [(input: [Value], output: [Value])]
    public var layers: Int
    public var headsPerLayer: [Int]
    public var mlpHiddenPerLayer: [Int]
    public var dModel: Int
    public var paramsNonzero: Int
}

public enum TracrLibrary {
    /// library.json writes reals rounded to 9 decimals (2/3 as 0.666666667), so reals match within
    /// 5e-9; everything else matches under Python equality (true == 1 == 1.0).
    public static func matches(_ a: [Value], _ b: [Value]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { x, y in
            if case .real = y, let p = x.number, let q = y.number { return abs(p - q) <= 5e-9 }
            return x == y
        }
    }

    /// `library.json`: tracr's library programs with the structure it compiles them to and the outputs of
    /// its evaluator. The repository keeps a copy in Tests/Fixtures so tests run on a clean clone.
    public static let programs: [TracrLibraryProgram] = {
        let text = FileSystem.readText(Repository.fixtures + "/tracr/library.json") ?? "{}"
        guard let json = try? JSON.parse(text), let list = json["programs"]?.arrayValue else { return [] }
        return list.compactMap { p in
            guard let name = p["name"]?.stringValue, let m = p["tracr_model"] else { return nil }
            let cases = (p["cases"]?.arrayValue ?? []).map { c in
                ((c["input"]?.arrayValue ?? []).map(\.raspValue), (c["output"]?.arrayValue ?? []).map(\.raspValue))
            }
            return TracrLibraryProgram(
                name: name,
                vocab: (p["vocab"]?.arrayValue ?? []).map(\.raspValue),
                maxSeqLen: p["max_seq_len"]?.intValue ?? 0,
                cases: cases,
                layers: m["num_layers"]?.intValue ?? 0,
                headsPerLayer: (m["heads_per_layer"]?.arrayValue ?? []).compactMap(\.intValue),
                mlpHiddenPerLayer: (m["mlp_hidden_per_layer"]?.arrayValue ?? []).compactMap(\.intValue),
                dModel: m["d_model"]?.intValue ?? 0,
                paramsNonzero: m["params_nonzero"]?.intValue ?? 0)
        }
    }()
}

/// Central finite differences against an analytic gradient.
public enum FiniteDifference {
    /// The worst relative error over the coordinates of `point`, |numeric - analytic| over
    /// max(`floor`, |numeric| + |analytic|), with numeric = (f(x + h e_i) - f(x - h e_i)) / 2h.
    public static func worstError(at point: [Double], step h: Double, floor: Double, analytic: [Double],
                                  _ f: ([Double]) -> Double) -> Double {
        var worst = 0.0
        for i in point.indices {
            var up = point, down = point
            up[i] += h
            down[i] -= h
            let numeric = (f(up) - f(down)) / (2 * h)
            worst = max(worst, abs(numeric - analytic[i]) / max(floor, abs(numeric) + abs(analytic[i])))
        }
        return worst
    }
}
