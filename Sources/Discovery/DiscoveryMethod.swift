import RASPModel

/// A circuit-discovery method (RASP.md 3.7): it sees only a `CircuitTask` (the edge-masked model as a
/// black box, and the full model's outputs) and gives every edge of the graph a score, higher for more
/// important, and its own circuit. Methods live in their own folders under `Sources/Discovery`.
public protocol DiscoveryMethod: Sendable {
    /// The name `rasp prune --method` takes.
    var id: String { get }
    /// Scores the task's edges and chooses the method's own circuit; `progress` hears about each step
    /// of methods that train (or each integration point, each edge tried).
    func discover(_ task: CircuitTask, seed: UInt64, progress: ((TrainingPoint) -> Void)?) -> DiscoveryResult
    /// Whether the result depends on the seed (a comparison runs a method that does not once).
    var usesSeed: Bool { get }
}

extension DiscoveryMethod {
    public var usesSeed: Bool { true }
}

/// One step of a training method: its objective and the sparsity it had reached.
public struct TrainingPoint: Sendable, Equatable {
    public var step: Int
    public var loss: Double
    public var sparsity: Double

    public init(step: Int, loss: Double, sparsity: Double) {
        self.step = step
        self.loss = loss
        self.sparsity = sparsity
    }
}

/// What a method found.
public struct DiscoveryResult: Sendable {
    public var method: String
    /// Per graph edge: the method's score (higher: more important).
    public var scores: [Double]
    /// Per graph edge: whether it is in the method's own circuit (after dangling edges are dropped).
    public var circuit: [Bool]
    /// Edges the method's own rule kept before dangling edges were dropped.
    public var keptBeforeDangling: Int
    public var seconds: Double
    /// Batch forward passes the method ran.
    public var modelRuns: Int
    /// Per step, for methods that train (loss and sparsity curves).
    public var curve: [TrainingPoint]
    /// For methods that train: the step whose circuit was chosen (Edge Pruning's `CircuitChoice`).
    public var chosenStep: Int? = nil

    public init(method: String, scores: [Double], circuit: [Bool], keptBeforeDangling: Int, seconds: Double, modelRuns: Int,
                curve: [TrainingPoint] = []) {
        self.method = method
        self.scores = scores
        self.circuit = circuit
        self.keptBeforeDangling = keptBeforeDangling
        self.seconds = seconds
        self.modelRuns = modelRuns
        self.curve = curve
    }

    public var edgesKept: Int { circuit.filter { $0 }.count }

    /// Seconds since `start` (a `DispatchTime` uptime in nanoseconds).
    public static func seconds(since start: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
}

import Foundation
