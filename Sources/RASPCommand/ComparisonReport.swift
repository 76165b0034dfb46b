import Foundation
import RASPLanguage
import RASPCore

/// How `rasp compare` shows its runs: a table per program, per run, a summary, JSON and CSV.
enum ComparisonReport {
    /// Lines of cells, left-aligned in the first `left` columns, right-aligned after, with a rule.
    static func print(_ lines: [[String]], left: Int, console: Console) {
        let widths = lines[0].indices.map { c in lines.map { $0[c].count }.max()! }
        for (i, line) in lines.enumerated() {
            console.line(line.enumerated().map { c, cell in
                c < left ? cell.padding(toLength: widths[c], withPad: " ", startingAt: 0) : String(repeating: " ", count: widths[c] - cell.count) + cell
            }.joined(separator: "  "))
            if i == 0 { console.line(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")) }
        }
    }

    static func format(_ x: Double?) -> String { x.map { String(format: "%.3f", $0) } ?? "-" }

    /// Keys in first-seen order.
    static func groups<K: Hashable>(_ runs: [ComparisonRun], _ key: (ComparisonRun) -> K) -> [(K, [ComparisonRun])] {
        var order: [K] = [], members: [K: [ComparisonRun]] = [:]
        for r in runs {
            if members[key(r)] == nil { order.append(key(r)) }
            members[key(r), default: []].append(r)
        }
        return order.map { ($0, members[$0]!) }
    }

    /// Per program, variant and ablation, each method's exact runs and mean AUROC.
    static func programLines(_ runs: [ComparisonRun]) -> [[String]] {
        let methods = groups(runs, \.method).map(\.0)
        var lines = [["program", "variant", "ablation"] + methods]
        for (_, task) in groups(runs, { "\($0.program)/\($0.variant)/\($0.ablation)" }) {
            let first = task[0]
            lines.append([first.program, first.variant, first.ablation] + methods.map { m in
                let rs = task.filter { $0.method == m }
                guard !rs.isEmpty else { return "-" }
                return "\(rs.filter(\.exact).count)/\(rs.count) " + format(mean(rs.compactMap(\.auroc)))
            })
        }
        return lines
    }

    static func runLines(_ runs: [ComparisonRun]) -> [[String]] {
        var lines = [["program", "variant", "ablation", "method", "seed", "verdict", "auroc", "kept", "faithful", "time", "runs"]]
        for r in runs {
            lines.append([r.program, r.variant, r.ablation, r.method, r.seed.map(String.init) ?? "-", r.exact ? "exact" : "not exact",
                          format(r.auroc), "\(r.edgesKept)/\(r.graphEdges)", "\(r.faithfulness.sequencesCorrect)/\(r.faithfulness.sequences)",
                          Clock.format(r.seconds), "\(r.modelRuns)"])
        }
        return lines
    }

    /// Per method, variant and ablation: exact runs, mean and median AUROC, time per run.
    static func summaryLines(_ runs: [ComparisonRun]) -> [[String]] {
        var lines = [["method", "variant", "ablation", "exact", "mean auroc", "median auroc", "time per run", "model runs per run"]]
        for (_, rs) in groups(runs, { "\($0.method)/\($0.variant)/\($0.ablation)" }) {
            let aurocs = rs.compactMap(\.auroc)
            lines.append([rs[0].method, rs[0].variant, rs[0].ablation, "\(rs.filter(\.exact).count)/\(rs.count)", format(mean(aurocs)),
                          format(median(aurocs)), Clock.format(rs.reduce(0) { $0 + $1.seconds } / Double(rs.count)),
                          "\(rs.reduce(0) { $0 + $1.modelRuns } / rs.count)"])
        }
        return lines
    }

    static func mean(_ xs: [Double]) -> Double? { xs.isEmpty ? nil : xs.reduce(0, +) / Double(xs.count) }

    static func median(_ xs: [Double]) -> Double? {
        guard !xs.isEmpty else { return nil }
        let s = xs.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    static func json(_ r: ComparisonRun) -> JSON {
        .object(["program": .string(r.program), "variant": .string(r.variant), "ablation": .string(r.ablation), "method": .string(r.method),
                 "seed": r.seed.map { .int($0) } ?? .null, "exact": .bool(r.exact), "auroc": r.auroc.map { .double($0) } ?? .null,
                 "edges_kept": .int(r.edgesKept), "graph_edges": .int(r.graphEdges),
                 "inputs": .int(r.faithfulness.sequences), "inputs_correct": .int(r.faithfulness.sequencesCorrect),
                 "accuracy": .double(r.faithfulness.accuracy), "seconds": .double(r.seconds), "model_runs": .int(r.modelRuns)])
    }

    static func json(_ runs: [ComparisonRun], seconds: Double) -> JSON {
        let summary = groups(runs, { "\($0.method)/\($0.variant)/\($0.ablation)" }).map { _, rs -> JSON in
            let aurocs = rs.compactMap(\.auroc)
            return .object(["method": .string(rs[0].method), "variant": .string(rs[0].variant), "ablation": .string(rs[0].ablation),
                            "runs": .int(rs.count), "exact": .int(rs.filter(\.exact).count),
                            "mean_auroc": mean(aurocs).map { .double($0) } ?? .null, "median_auroc": median(aurocs).map { .double($0) } ?? .null,
                            "seconds": .double(rs.reduce(0) { $0 + $1.seconds })])
        }
        return .object(["runs": .array(runs.map(json)), "summary": .array(summary), "seconds": .double(seconds)])
    }

    static func csv(_ runs: [ComparisonRun]) -> String {
        var out = "program,variant,ablation,method,seed,exact,auroc,edges_kept,graph_edges,inputs,inputs_correct,accuracy,seconds,model_runs\n"
        for r in runs {
            let cells: [String] = [r.program, r.variant, r.ablation, r.method, r.seed.map(String.init) ?? "", r.exact ? "true" : "false",
                                   r.auroc.map { String($0) } ?? "", "\(r.edgesKept)", "\(r.graphEdges)", "\(r.faithfulness.sequences)",
                                   "\(r.faithfulness.sequencesCorrect)", String(r.faithfulness.accuracy), String(format: "%.6f", r.seconds), "\(r.modelRuns)"]
            out += cells.map { $0.contains(",") || $0.contains("\"") ? "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : $0 }
                .joined(separator: ",") + "\n"
        }
        return out
    }
}
