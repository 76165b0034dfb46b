import Testing
import RASPCircuits

/// The recovery record's comparisons, and the edge AUROC.
@Suite struct RecordTests {
    static func run(_ seed: Int, exact: Bool, repaired: Bool = true) -> RecoveryRecord.Run {
        RecoveryRecord.Run(program: "reverse", variant: "noisy", ablation: "zero", seed: seed, exact: exact, repairedExact: repaired)
    }

    @Test func aRunThatWasExactAndIsNotIsARegression() {
        let record = RecoveryRecord(method: "edge-pruning").recording([RecordTests.run(0, exact: true), RecordTests.run(1, exact: false)])
        #expect(record.compare([RecordTests.run(0, exact: true), RecordTests.run(1, exact: false)]).matches)
        let worse = record.compare([RecordTests.run(0, exact: false), RecordTests.run(1, exact: false)])
        #expect(worse.regressions == ["reverse noisy zero seed 0: the method's own circuit is no longer exact"])
        let better = record.compare([RecordTests.run(1, exact: true), RecordTests.run(2, exact: true)])
        #expect(better.regressions.isEmpty)
        #expect(better.improvements == ["reverse noisy zero seed 1: the method's own circuit is now exact"])
        #expect(better.unrecorded == ["reverse noisy zero seed 2"])
        #expect(record.compare([RecordTests.run(0, exact: true, repaired: false)]).regressions.count == 1)
    }

    @Test func theRecordRoundTripsThroughItsFile() throws {
        let record = RecoveryRecord(method: "edge-pruning").recording([RecordTests.run(0, exact: true), RecordTests.run(3, exact: false, repaired: false)])
        let parsed = try RecoveryRecord.parse(record.text)
        #expect(parsed == record)
        #expect(record.text.contains("\"repaired_exact\": [0]"))
        #expect(throws: RecoveryRecord.FormatError.self) { try RecoveryRecord.parse("{\"format\": \"other\"}") }
    }

    @Test func aurocCountsPairsAndHalvesTies() {
        #expect(EdgeAUROC.auroc(positives: [3, 2], negatives: [1, 0]) == 1)
        #expect(EdgeAUROC.auroc(positives: [0], negatives: [1]) == 0)
        #expect(EdgeAUROC.auroc(positives: [1, 1], negatives: [1, 0]) == 0.75)
        #expect(EdgeAUROC.auroc(positives: [], negatives: [1]) == nil)
    }
}
