import RASPLanguage
import RASPReport

extension CheckReport {
    /// `rasp check --json`: per program its pipeline checks and, per variant, every seed's verdicts.
    static func json(_ rows: [ProgramRow], seconds: Double, recoveryRegressed: Bool) -> JSON {
        let programs = rows.map { r -> JSON in
            .object([
                "program": .string(r.program), "passed": .bool(r.passed), "failures": .array(r.failures.map(JSON.string)),
                "layers": count(r.layers), "graph_edges": count(r.graphEdges), "required_edges": count(r.required),
                "inputs": .string(r.inputs), "seconds": .number(r.seconds, isInteger: false),
                "variants": .array(r.variants.map(variant)),
            ])
        }
        return .object([
            "programs": .array(programs),
            "passed": .bool(rows.allSatisfy(\.passed) && !recoveryRegressed),
            "recovery_regressed": .bool(recoveryRegressed),
            "seconds": .number(seconds, isInteger: false),
        ])
    }

    private static func variant(_ v: VariantRow) -> JSON {
        let aligned = v.aurocs.count == v.runs.count
        let runs = v.runs.enumerated().map { i, run -> JSON in
            var o: [String: JSON] = ["seed": .int(run.seed), "exact": .bool(run.exact), "repaired_exact": .bool(run.repairedExact)]
            if i < v.kept.count { o["edges_kept"] = .int(v.kept[i]) }
            if aligned { o["auroc"] = .number(v.aurocs[i], isInteger: false) }
            return .object(o)
        }
        return .object([
            "variant": .string(v.variant), "noise": .number(v.noise, isInteger: false), "runs": .array(runs),
            "exact": .int(v.ownExact), "repaired_exact": .int(v.repairedExact), "seconds": .number(v.seconds, isInteger: false),
        ])
    }

    /// A table cell that holds a count, as a number (null when the program did not get that far).
    private static func count(_ cell: String) -> JSON { Int(cell).map(JSON.int) ?? .null }
}
