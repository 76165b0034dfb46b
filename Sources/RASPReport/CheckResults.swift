import Foundation
import RASPCore
import RASPModel
import Discovery
import RASPCircuits

/// What `rasp check` found for one program: the table's cells, the failures, and what its pictures need.
public struct ProgramRow: Sendable {
    /// The golden circuit and what is needed to draw it.
    public struct Picture: Sendable {
        public var golden: Circuit
        public var graph: ComputeGraph
        public var labels: [String: String]

        public init(golden: Circuit, graph: ComputeGraph, labels: [String: String]) {
            self.golden = golden
            self.graph = graph
            self.labels = labels
        }
    }

    public var program: String
    public var layers = "-"
    public var graphEdges = "-"
    public var required = "-"
    public var inputs = "-"
    public var variants: [VariantRow] = []
    public var failures: [String] = []
    public var seconds = 0.0
    public var picture: Picture?

    public init(program: String) { self.program = program }

    public var passed: Bool { failures.isEmpty }
    public var runs: [RecoveryRecord.Run] { variants.flatMap(\.runs) }

    /// The columns of `rasp check`'s table, text and HTML alike.
    public static let header = ["program", "layers", "edges", "required", "inputs", "variant", "noise", "kept", "own", "repaired", "auroc", "time", "check"]

    /// The table's lines for this program: one per variant (one for a program that got no further
    /// than its checks); the program's cells and its status only on its first line.
    public var tableLines: [[String]] {
        let status = passed ? "ok" : "FAIL"
        let first = [program, layers, graphEdges, required, inputs]
        if variants.isEmpty { return [first + ["-", "-", "-", "-", "-", "-", Clock.format(seconds), status]] }
        return variants.enumerated().map { i, v in
            let seeds = v.runs.count
            return (i == 0 ? first : ["", "", "", "", ""]) + [
                v.variant, v.noise == 0 ? "-" : "\(v.noise)", v.keptRange,
                seeds == 0 ? "-" : "\(v.ownExact)/\(seeds)", seeds == 0 ? "-" : "\(v.repairedExact)/\(seeds)",
                v.meanAUROC.map { String(format: "%.3f", $0) } ?? "-", Clock.format(v.seconds), i == 0 ? status : ""]
        }
    }
}

/// What the method did on one variant of a program, over the seeds.
public struct VariantRow: Sendable {
    /// The first seed's own circuit and its verdict, drawn in the HTML report.
    public struct Exhibit: Sendable {
        public var circuit: Circuit
        public var verdict: Verdict

        public init(circuit: Circuit, verdict: Verdict) {
            self.circuit = circuit
            self.verdict = verdict
        }
    }

    public var variant: String
    public var noise = 0.0
    public var runs: [RecoveryRecord.Run] = []
    /// Per seed: edges in the method's own circuit, the edge AUROC of its scores, its training curve.
    public var kept: [Int] = []
    public var aurocs: [Double] = []
    public var curves: [[TrainingPoint]] = []
    public var exhibit: Exhibit?
    public var seconds = 0.0

    public init(variant: String) { self.variant = variant }

    public var ownExact: Int { runs.filter(\.exact).count }
    public var repairedExact: Int { runs.filter(\.repairedExact).count }

    /// `18` or `18-20`: the edges kept over the seeds.
    public var keptRange: String {
        guard let lo = kept.min(), let hi = kept.max() else { return "-" }
        return lo == hi ? "\(lo)" : "\(lo)-\(hi)"
    }

    /// The mean edge AUROC over the seeds, or nil without scores.
    public var meanAUROC: Double? { aurocs.isEmpty ? nil : aurocs.reduce(0, +) / Double(aurocs.count) }
}
