import Testing
import RASPLanguage
import RASPModel
import RASPCompiler
import Discovery
import RASPCircuits
import RASPTestSupport

/// The mean-ablation replacements `rasp export-data --means` writes, in the residual stream, against
/// the residual stream itself: per length, the writers of each layer sum to the mean of what that layer
/// adds to the stream over the length's sequences.
@Suite struct MeanResidualTests {
    @Test(arguments: [("reverse", ModelVariant.compiled), ("hist", .noisy), ("frac_prevs", .rotated)])
    func meansAddUpToTheMeanOfWhatEachLayerWrites(_ name: String, _ variant: ModelVariant) throws {
        let f = try ProgramFixture(name, variant: variant)
        let masked = EdgeMaskedModel(model: f.model.model)
        let graph = masked.graph, d = f.model.model.width
        for group in f.task.groups {
            let batch = group.batch, t = batch.length
            let means = masked.meanResiduals(CircuitTask.meanAblation(masked, batch), length: t)
            let tape = MaskedTape(model: masked, count: batch.count, length: t)
            masked.forward(batch, masks: masked.allEdges, ablation: .zero, tape: tape)
            var previous = [Double](repeating: 0, count: t * d)
            for layers in 0...graph.layers {
                // Writers 0..<end have written after `layers` layers: the embeddings, then each layer's.
                let start = layers == 0 ? 0 : 2 + (layers - 1) * (graph.headSlots + 1), end = 2 + layers * (graph.headSlots + 1)
                let stream = masked.residualStream(tape, layers: layers)
                for i in 0..<(t * d) {
                    var added = 0.0
                    for b in 0..<batch.count { added += stream[b * t * d + i] }
                    added = added / Double(batch.count) - previous[i]
                    let predicted = (start..<end).reduce(0.0) { $0 + means[$1][i] }
                    #expect(abs(added - predicted) <= 1e-9 * max(1, abs(added)), "\(name) length \(t - 1) layer \(layers) entry \(i)")
                    if abs(added - predicted) > 1e-9 * max(1, abs(added)) { return }
                }
                for i in 0..<(t * d) { previous[i] += (start..<end).reduce(0.0) { $0 + means[$1][i] } }
            }
        }
    }
}
