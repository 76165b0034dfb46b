import Testing
@testable import Discovery

/// How a step's parts are spread over the workers: every part once, the costliest first, balanced.
@Suite struct SpreadTests {
    @Test func partsOfOneLengthEachAreSpreadEvenly() {
        // Sixteen lengths, four sequences each: positions 4, 8, ..., 64.
        let costs = (1...16).map { 4 * $0 }
        let lists = CircuitTask.spread(costs, over: 2)
        #expect(lists.flatMap { $0 }.sorted() == Array(costs.indices))
        #expect(lists.map { $0.reduce(0) { $0 + costs[$1] } } == [272, 272])
        #expect(lists[0].first == 15 && lists[1].first == 14)
    }

    @Test func equalCostsGoRoundTheWorkers() {
        #expect(CircuitTask.spread([3, 3, 3, 3, 3], over: 2) == [[0, 2, 4], [1, 3]])
        #expect(CircuitTask.spread([1, 1, 1], over: 4) == [[0], [1], [2], []])
    }
}
