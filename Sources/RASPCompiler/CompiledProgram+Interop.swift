import RASPLanguage
import RASPModel

/// What another tool needs to feed the model and read it (RASP.md 3.9), in JSON terms: the token of
/// every id, the value of every output column, and the decoding rule.
extension CompiledProgram {
    /// The name the files give id 0. A program token spelled the same has its own id (1 or more), so
    /// encoders look tokens up in `inputTokens[1...]` only.
    public static let bosName = "BOS"

    /// `inputTokens[i]` is the token of id i: BOS, then the vocab in id order, as typed JSON.
    public var inputTokens: [JSON] { [.string(CompiledProgram.bosName)] + tokens.map(JSON.init) }

    /// `outputValues[j]` is the value unembedding column j stands for; nil for a numerical output
    /// (one column, read as the number itself).
    public var outputValues: [JSON]? { outputIsNumerical ? nil : nodes[outputNode].values.values.map(JSON.init) }

    /// A categorical position decodes as `none` when no output is above this; nil when numerical.
    public var noneThreshold: Double? {
        if case .categorical(let threshold) = readout { return threshold }
        return nil
    }

    /// The tolerance `rasp check` compares numerical outputs with (absolute below 1, relative above).
    public var numericalTolerance: Double? {
        if case .numerical(let tolerance) = readout { return tolerance }
        return nil
    }

    /// The decoding rule's name: `argmax-or-none` (the first largest column's value, `none` when no
    /// column is above the threshold) or `column-0` (the number in column 0).
    public var decodingRule: String { outputIsNumerical ? "column-0" : "argmax-or-none" }

    /// `vocab.json` (RASP.md 3.9): `input`, `output`, `numerical`, `none_threshold`.
    public var vocabularyJSON: JSON {
        .object(["input": .array(inputTokens), "output": outputValues.map { .array($0) } ?? .null,
                 "numerical": .bool(outputIsNumerical), "none_threshold": noneThreshold.map { .double($0) } ?? .null])
    }

    /// Per layer, per head slot: the s-op the head computes, or null for an empty slot.
    public var headRolesJSON: JSON {
        .array(heads.map { layer in .array(layer.map { $0.map { .string($0.label) } ?? .null }) })
    }
}
