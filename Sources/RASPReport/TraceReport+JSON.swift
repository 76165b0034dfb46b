import RASPLanguage
import RASPModel
import RASPCompiler

/// `rasp explain --json`: the trace as one object, with full-precision numbers. Positions of
/// `residual` and of attention `weights` count BOS as 0; s-op values have one entry per input token.
extension TraceReport {
    public static func json(_ trace: ModelTrace) -> JSON {
        .object([
            "program": .string(trace.programName),
            "input": .array(trace.input.map(JSON.init)),
            "variant": .string(trace.variant.rawValue),
            "variant_seed": .int(Int(trace.variantSeed)),
            "noise": .double(trace.noise),
            "layers": .int(trace.layerCount),
            "residual_labels": .array(trace.residualLabels.map(JSON.string)),
            "stages": .array(trace.snapshots.map { stage($0, trace: trace) }),
            "output": .array(trace.output.map(JSON.init)),
            "interpreter_output": .array(trace.expectedOutput.map(JSON.init)),
            "output_agrees": .bool(trace.outputAgrees),
            "disagreements": .int(trace.disagreements),
        ])
    }

    static func stage(_ snapshot: ModelTrace.Snapshot, trace: ModelTrace) -> JSON {
        var object: [String: JSON] = [
            "stage": .string(snapshot.stage.kind),
            "name": .string(snapshot.stage.description),
            "layer": snapshot.stage.layer.map(JSON.int) ?? .null,
            "sops": .array(snapshot.sops.map(sop)),
            "residual": matrix(snapshot.residual),
        ]
        if case .attention(let l) = snapshot.stage { object["heads"] = .array(trace.heads(ofLayer: l).map(head)) }
        return .object(object)
    }

    static func sop(_ s: ModelTrace.SOpValues) -> JSON {
        .object([
            "sop": .string(s.label),
            "encoding": .string(s.isNumerical ? "numerical" : "categorical"),
            "new": .bool(s.isNew),
            "model": .array(s.model.map(JSON.init)),
            "interpreter": .array(s.interpreter.map(JSON.init)),
            "agrees": .array(s.agrees.map(JSON.bool)),
        ])
    }

    static func head(_ h: ModelTrace.HeadPattern) -> JSON {
        .object([
            "layer": .int(h.layer),
            "head": .int(h.slot),
            "sop": .string(h.label),
            "selector_width": .bool(h.isSelectorWidth),
            "weights": h.weights.map(matrix) ?? .null,
        ])
    }

    /// Rows of numbers.
    static func matrix(_ m: Matrix) -> JSON {
        .array((0..<m.rows).map { r in .array((0..<m.columns).map { .double(m[r, $0]) }) })
    }
}
