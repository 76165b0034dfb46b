import RASPModel

/// Turning scores into circuits, for any method (RASP.md 3.7): the edges ranked by score, dangling
/// edges dropped, the smallest faithful prefix of a ranking, and `repair`, the optional step that makes
/// an unfaithful circuit faithful along the ranking.
public enum CircuitSelection {
    /// Edge indices by score, highest first; ties by edge index, so the order is deterministic.
    public static func ranking(_ scores: [Double]) -> [Int] {
        scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
    }

    public static func masks(_ kept: [Bool]) -> [Double] { kept.map { $0 ? 1 : 0 } }

    /// Drops, until nothing changes, edges out of writers none of whose inputs survive (the embeddings
    /// always have theirs) and edges into readers whose component no longer reaches `out`.
    public static func removingDangling(_ start: [Bool], graph: ComputeGraph) -> [Bool] {
        var kept = start
        while true {
            var fed = [Bool](repeating: false, count: graph.writers.count)
            fed[0] = true
            fed[1] = true
            for (e, edge) in graph.edges.enumerated() where kept[e] {
                if let owner = graph.owner(ofReader: edge.reader) { fed[owner] = true }
            }
            // Components reaching `out` through kept edges, found backwards (readers come in layer order).
            var reaches = [Bool](repeating: false, count: graph.writers.count)
            for e in stride(from: graph.edges.count - 1, through: 0, by: -1) where kept[e] {
                let edge = graph.edges[e]
                if graph.owner(ofReader: edge.reader).map({ reaches[$0] }) ?? true { reaches[edge.writer] = true }
            }
            var changed = false
            for (e, edge) in graph.edges.enumerated() where kept[e] {
                let readerAlive = graph.owner(ofReader: edge.reader).map { reaches[$0] } ?? true
                if !fed[edge.writer] || !readerAlive {
                    kept[e] = false
                    changed = true
                }
            }
            if !changed { return kept }
        }
    }

    /// The shortest list of top-ranked edges whose circuit reproduces the full model on every
    /// evaluation input (found by binary search over its length; the full graph always does), then
    /// without dangling edges.
    public static func smallestFaithfulPrefix(scores: [Double], task: CircuitTask) -> [Bool] {
        let order = ranking(scores)
        let k = smallestFaithfulLength(order, base: [Bool](repeating: false, count: scores.count), task: task)
        return removingDangling(prefix(order, k, base: [Bool](repeating: false, count: scores.count)), graph: task.graph)
    }

    static func prefix(_ order: [Int], _ k: Int, base: [Bool]) -> [Bool] {
        var kept = base
        for e in order.prefix(k) { kept[e] = true }
        return kept
    }

    /// The smallest k such that `base` plus the first k edges of `order` is faithful.
    static func smallestFaithfulLength(_ order: [Int], base: [Bool], task: CircuitTask) -> Int {
        var lo = 0, hi = order.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if task.isFaithful(masks: masks(prefix(order, mid, base: base))) { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }

    /// What `repair` did.
    public struct Repair: Sendable, Equatable {
        public var circuit: [Bool]
        /// Edges added to the method's circuit, and edges of it dropped as dangling afterwards.
        public var added: Int
        public var removed: Int
        public var faithfulBefore: Bool
    }

    /// `--repair` (RASP.md 3.7): a faithful circuit is left as it is. Otherwise it is extended along
    /// the ranking to the smallest faithful prefix; the added edges are then dropped again where the
    /// circuit stays faithful without them, lowest score first (a whole run of them at once when it
    /// can, else each half in turn); finally dangling edges go if the circuit stays faithful.
    public static func repair(_ circuit: [Bool], scores: [Double], task: CircuitTask) -> Repair {
        if task.isFaithful(masks: masks(circuit)) { return Repair(circuit: circuit, added: 0, removed: 0, faithfulBefore: true) }
        let order = ranking(scores).filter { !circuit[$0] }
        let k = smallestFaithfulLength(order, base: circuit, task: task)
        var kept = prefix(order, k, base: circuit)
        dropUnneeded(Array(order.prefix(k).reversed()), from: &kept, task: task)
        let pruned = removingDangling(kept, graph: task.graph)
        if pruned != kept, task.isFaithful(masks: masks(pruned)) { kept = pruned }
        let added = kept.indices.filter { kept[$0] && !circuit[$0] }.count
        let removed = kept.indices.filter { !kept[$0] && circuit[$0] }.count
        return Repair(circuit: kept, added: added, removed: removed, faithfulBefore: false)
    }

    /// Removes from `kept` every edge of `candidates` whose removal keeps the circuit faithful: the
    /// whole run at once when possible, otherwise its halves in turn.
    static func dropUnneeded(_ candidates: [Int], from kept: inout [Bool], task: CircuitTask) {
        guard !candidates.isEmpty else { return }
        var trial = kept
        for e in candidates { trial[e] = false }
        if task.isFaithful(masks: masks(trial)) {
            kept = trial
            return
        }
        if candidates.count == 1 { return }
        let half = candidates.count / 2
        dropUnneeded(Array(candidates[..<half]), from: &kept, task: task)
        dropUnneeded(Array(candidates[half...]), from: &kept, task: task)
    }
}
