import Testing
@testable import Discovery

/// The order a step's parts run in: costliest first, ties in index order, every part once.
@Suite struct SpreadTests {
    @Test func partsRunCostliestFirst() {
        // Sixteen lengths, four sequences each: positions 4, 8, ..., 64.
        let costs = (1...16).map { 4 * $0 }
        #expect(CircuitTask.costliestFirst(costs) == Array(costs.indices.reversed()))
        #expect(CircuitTask.costliestFirst([3, 5, 3, 5, 1]) == [1, 3, 0, 2, 4])
    }
}
