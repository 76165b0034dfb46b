import RASPLanguage
import RASPModel
import RASPCompiler
import Discovery

/// `rasp export-data FILE [-o data.json] [--seed N] [--variant V] [--variant-seed N] [--means]`: the data a
/// discovery task and the verifier use (FORMATS.md): the evaluation inputs as token ids and values,
/// each input's resample partner, and the full model's logits and decoded outputs. The inputs, their
/// order and the partners are the task's own, drawn with the same seed as `rasp verify --seed N`.
/// `--means` adds what mean ablation puts in place of each writer, per length, in the residual stream.
enum ExportDataCommand {
    static let formatTag = "rasp-data/1"

    static func run(_ args: [String], console: Console) throws(Arguments.UsageError) -> Int32 {
        let arguments = try Arguments(args, options: Set(["output", "seed"]).union(VariantOptions.optionNames), flags: ["json", "means"])
        let path = try arguments.programPath("export-data")
        let variantOptions = try VariantOptions(arguments)
        let seed = UInt64(try arguments.integer("seed", default: 0, range: 0...Int(Int32.max)))
        guard let p = Pipeline.compile(path, console: console), let variant = p.variant(variantOptions, console: console) else {
            return RASPCommandLine.Status.failure
        }
        let text = data(p, variant, seed: seed, means: arguments.has("means")).pretty()
        guard console.emit(text, to: arguments.options["output"], command: "export-data") else { return RASPCommandLine.Status.failure }
        return RASPCommandLine.Status.success
    }

    /// The data file: the task's sequences group by group (shortest first), with their partners.
    static func data(_ p: Pipeline, _ variant: VariantModel, seed: UInt64, means: Bool = false) -> JSON {
        let task = p.task(variant, ablation: .zero, seed: seed)
        let partners = CircuitTask.partnerIndices(task.groups.map(\.batch), seed: seed)
        var entries: [JSON] = []
        var start = 0
        for (g, group) in task.groups.enumerated() {
            entries += entriesOf(group, partners: partners[g].map { start + $0 }, compiled: p.compiled)
            start += group.batch.count
        }
        var object: [String: JSON] = [
            "format": .string(formatTag), "program": .string(p.program.name),
            "variant": .string(variant.variant.rawValue), "variant_seed": .int(Int(variant.seed)), "noise": .double(variant.noise),
            "seed": .int(Int(seed)), "sampled": .bool(entries.count < p.evaluation.inputSpaceSize),
            "vocab": p.compiled.vocabularyJSON, "inputs": .array(entries),
        ]
        if means {
            let masked = EdgeMaskedModel(model: variant.model)
            object["means"] = .array(task.groups.map { meansOf($0, masked, width: variant.model.width) })
        }
        return .object(object)
    }

    /// Mean ablation's replacement for every writer over one length's sequences, in the residual stream
    /// of the exported weights: `{"length": n, "writers": {"tok": [[...], ...], ...}}`, one row per
    /// position (BOS first) of the model's width.
    static func meansOf(_ group: CircuitTask.Group, _ masked: EdgeMaskedModel, width d: Int) -> JSON {
        let t = group.batch.length
        let residuals = masked.meanResiduals(CircuitTask.meanAblation(masked, group.batch), length: t)
        var writers: [String: JSON] = [:]
        for (w, values) in residuals.enumerated() {
            writers[masked.graph.writerName(w)] = .array((0..<t).map { p in .array(values[(p * d)..<((p + 1) * d)].map { .double($0) }) })
        }
        return .object(["length": .int(t - 1), "writers": .object(writers)])
    }

    /// One object per sequence of a group: `ids` (BOS first), `input` (the values), `partner` (an
    /// index into the file's inputs), `output` (decoded) and `logits` (every position, BOS first).
    static func entriesOf(_ group: CircuitTask.Group, partners: [Int], compiled: CompiledProgram) -> [JSON] {
        let batch = group.batch, t = batch.length, width = group.reference.count / max(1, batch.count * t)
        let decoded = compiled.decode(outputs: group.reference, batch: batch)
        return (0..<batch.count).map { b in
            let ids = Array(batch.tokens[(b * t)..<((b + 1) * t)])
            let logits = (0..<t).map { pos -> JSON in
                let row = (b * t + pos) * width
                return .array(group.reference[row..<(row + width)].map { .double($0) })
            }
            return .object([
                "ids": .array(ids.map { .int(Int($0)) }),
                "input": .array(ids.dropFirst().map { JSON(compiled.tokens[Int($0) - 1]) }),
                "partner": .int(partners[b]),
                "output": .array(decoded[b].map(JSON.init)),
                "logits": .array(logits),
            ])
        }
    }
}
