import RASPModel
import RASPCircuits

/// Turns trained scores into a circuit: keep the edges whose deterministic gate is above 1/2
/// (log-alpha > 0); if that circuit is not faithful on every input, add edges back in order of score
/// until it is (a binary search over how many), then drop again those of the added edges it does not
/// need; finally drop dangling edges (a writer none of whose inputs survive, a reader that no longer
/// reaches `out`), keeping the result only if it stays faithful.
struct CircuitSelection {
    let plan: EdgeMaskPlan
    let data: EvaluationSet
    let scores: [Double]
    let carries: [Bool]

    struct Outcome {
        var kept: [Bool]
        var faithfulness: EvaluationSet.Faithfulness
        var keptAtThreshold: Int
        var restored: Int
        var dangling: Int
    }

    func masks(_ kept: [Bool]) -> [Double] { kept.map { $0 ? 1 : 0 } }

    func select() -> Outcome {
        let edges = scores.count
        // Edges that carry nothing never change an output; only the others are candidates. Highest score
        // first; ties by edge index, so the order is deterministic.
        let order = (0..<edges).filter { carries[$0] }.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
        let atThreshold = order.filter { HardConcrete.deterministic(logAlpha: scores[$0]) > 0.5 }.count
        func prefix(_ k: Int) -> [Bool] {
            var kept = [Bool](repeating: false, count: edges)
            for e in order.prefix(k) { kept[e] = true }
            return kept
        }
        var kept = prefix(atThreshold)
        var restored = 0
        if !data.isFaithful(masks: masks(kept)) {
            // The smallest faithful prefix, by binary search over its length.
            var lo = atThreshold, hi = order.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if data.isFaithful(masks: masks(prefix(mid))) { hi = mid } else { lo = mid + 1 }
            }
            kept = prefix(lo)
            // Drop again the restored edges the circuit does not need (group testing, lowest score first).
            let candidates = Array(order[atThreshold..<lo].reversed())
            dropUnneeded(candidates, from: &kept)
            restored = candidates.filter { kept[$0] }.count
        }
        var faithfulness = data.evaluate(masks: masks(kept))
        let pruned = removingDangling(kept)
        var dangling = 0
        if pruned != kept {
            let check = data.evaluate(masks: masks(pruned))
            if check.isFaithful || !faithfulness.isFaithful {
                dangling = kept.filter { $0 }.count - pruned.filter { $0 }.count
                kept = pruned
                faithfulness = check
            }
        }
        return Outcome(kept: kept, faithfulness: faithfulness, keptAtThreshold: atThreshold, restored: restored, dangling: dangling)
    }

    /// Removes from `kept` every edge of `candidates` whose removal keeps the circuit faithful: a whole
    /// group at once when possible, otherwise its halves in turn.
    func dropUnneeded(_ candidates: [Int], from kept: inout [Bool]) {
        guard !candidates.isEmpty else { return }
        var trial = kept
        for e in candidates { trial[e] = false }
        if data.isFaithful(masks: masks(trial)) {
            kept = trial
            return
        }
        if candidates.count == 1 { return }
        let half = candidates.count / 2
        dropUnneeded(Array(candidates[..<half]), from: &kept)
        dropUnneeded(Array(candidates[half...]), from: &kept)
    }

    /// Drops edges out of writers with no surviving input and into readers whose component no longer
    /// reaches `out`, until nothing changes.
    func removingDangling(_ start: [Bool]) -> [Bool] {
        var kept = start
        let graph = plan.graph
        while true {
            var changed = false
            // Writers with at least one kept input edge (the embeddings always have their input).
            var fed = [Bool](repeating: false, count: graph.writers.count)
            fed[0] = true
            fed[1] = true
            for (e, edge) in graph.edges.enumerated() where kept[e] {
                if let owner = plan.graph.owner(ofReader: edge.reader) { fed[owner] = true }
            }
            // Components reaching `out` through kept edges, found backwards.
            var reaches = [Bool](repeating: false, count: graph.writers.count)
            for r in stride(from: graph.readers.count - 1, through: 0, by: -1) {
                let ownerReaches = plan.graph.owner(ofReader: r).map { reaches[$0] } ?? true
                guard ownerReaches else { continue }
                for (e, edge) in graph.edges.enumerated() where edge.reader == r && kept[e] { reaches[edge.writer] = true }
            }
            for (e, edge) in graph.edges.enumerated() where kept[e] {
                let readerAlive = plan.graph.owner(ofReader: edge.reader).map { reaches[$0] } ?? true
                if !fed[edge.writer] || !readerAlive {
                    kept[e] = false
                    changed = true
                }
            }
            if !changed { return kept }
        }
    }
}
