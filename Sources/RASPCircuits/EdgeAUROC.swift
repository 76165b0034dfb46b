import RASPModel

/// The edge AUROC of RASP.md 3.8, as auto-circuit and InterpBench compute it: the probability that an
/// identifiable required edge scores above an edge outside the golden circuit, ties counting one half.
/// Optional and unidentifiable edges are in neither class. An edge of the graph the file does not list
/// scores below every listed edge.
public enum EdgeAUROC {
    public static func of(_ circuit: Circuit, golden: Circuit, unidentifiable: Set<String>, graph: ComputeGraph) -> Double? {
        var scores: [String: Double] = [:]
        for e in circuit.edges { scores[e.key] = e.score ?? -Double.infinity }
        let required = Set(golden.edges(of: .required).map(\.key)).subtracting(unidentifiable)
        let inGolden = golden.edgeKeys
        var positives: [Double] = [], negatives: [Double] = []
        for e in graph.edges.indices {
            let (from, to) = graph.edgeName(e)
            let key = "\(from) -> \(to)"
            if circuit.mergedInput, from == "pos" { continue }  // the same edge as tok's at this granularity
            let score = scores[key] ?? -Double.infinity
            if required.contains(key) { positives.append(score) } else if !inGolden.contains(key) { negatives.append(score) }
        }
        return auroc(positives: positives, negatives: negatives)
    }

    /// P(positive > negative) + P(positive = negative) / 2 over all pairs, by sorting: O(n log n).
    public static func auroc(positives: [Double], negatives: [Double]) -> Double? {
        guard !positives.isEmpty, !negatives.isEmpty else { return nil }
        let sorted = negatives.sorted()
        var wins = 0.0
        for p in positives {
            let below = lowerBound(sorted, p), notAbove = upperBound(sorted, p)
            wins += Double(below) + 0.5 * Double(notAbove - below)
        }
        return wins / (Double(positives.count) * Double(negatives.count))
    }

    static func lowerBound(_ a: [Double], _ x: Double) -> Int {
        var lo = 0, hi = a.count
        while lo < hi { let m = (lo + hi) / 2; if a[m] < x { lo = m + 1 } else { hi = m } }
        return lo
    }

    static func upperBound(_ a: [Double], _ x: Double) -> Int {
        var lo = 0, hi = a.count
        while lo < hi { let m = (lo + hi) / 2; if a[m] <= x { lo = m + 1 } else { hi = m } }
        return lo
    }
}
