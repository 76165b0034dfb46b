import RASPModel

/// Which of the circuits training passes through Edge Pruning returns.
public enum CircuitChoice: String, Sendable, CaseIterable {
    /// The circuit with the fewest edges, among those a step's thresholded gates gave, that reproduces
    /// the full model on every training input (the latest such step on a tie); the last step's circuit
    /// when none does. The sparsity pressure keeps growing to the end, so the last step's circuit is
    /// often one edge past the truth (docs/PRUNING.md).
    case sparsestFaithful = "sparsest-faithful"
    /// The last step's circuit, as the paper's code returns it.
    case last
}

/// The distinct circuits training passed through, each with the gates' scores at the last step that
/// gave it, so that the choice can be made once training ends: candidates are tested from the fewest
/// edges up, and the first faithful one is chosen. Most steps give a circuit already seen, and a test
/// stops at the first input that fails, so the tests cost a small part of training. At most `capacity`
/// circuits are kept, the sparsest (the latest among equals), so memory stays bounded on any graph.
struct CheckpointLog {
    var capacity = 512

    struct Checkpoint {
        var step: Int
        var scores: [Double]
        var circuit: [Bool]
        var kept: Int
        var size: Int
    }

    private(set) var checkpoints: [Checkpoint] = []
    private var index: [[Bool]: Int] = [:]

    /// The thresholded circuit of `scores` at `step`, its dangling edges removed.
    static func checkpoint(step: Int, scores: [Double], graph: ComputeGraph) -> Checkpoint {
        let kept = scores.map { HardConcrete.deterministic(logAlpha: $0) > 0.5 }
        let circuit = CircuitSelection.removingDangling(kept, graph: graph)
        return Checkpoint(step: step, scores: scores, circuit: circuit, kept: kept.filter { $0 }.count, size: circuit.filter { $0 }.count)
    }

    /// Records the circuit of `scores` at `step`; past `capacity`, the last to be tried is dropped (its
    /// slot takes the last checkpoint, so only two index entries change).
    mutating func record(step: Int, scores: [Double], graph: ComputeGraph) {
        let checkpoint = Self.checkpoint(step: step, scores: scores, graph: graph)
        if let i = index[checkpoint.circuit] {
            checkpoints[i] = checkpoint
            return
        }
        index[checkpoint.circuit] = checkpoints.count
        checkpoints.append(checkpoint)
        guard checkpoints.count > capacity,
              let worst = checkpoints.indices.max(by: { Self.precedes(checkpoints[$0], checkpoints[$1]) }) else { return }
        index[checkpoints[worst].circuit] = nil
        let moved = checkpoints.removeLast()
        if worst < checkpoints.count {
            checkpoints[worst] = moved
            index[moved.circuit] = worst
        }
    }

    /// Whether `a` is tried before `b`: fewer edges, then the later step.
    static func precedes(_ a: Checkpoint, _ b: Checkpoint) -> Bool { (a.size, -a.step) < (b.size, -b.step) }

    /// The sparsest faithful checkpoint (the latest on a tie), or nil when none is faithful.
    func sparsestFaithful(_ isFaithful: ([Bool]) -> Bool) -> Checkpoint? {
        checkpoints.sorted(by: Self.precedes).first { isFaithful($0.circuit) }
    }
}
