import RASPLanguage
import RASPModel
import RASPCompiler

/// The files `rasp compile -o` writes (RASP.md 3.9, FORMATS.md): the rasp layout, one self-describing
/// safetensors file; or the TransformerLens layout, a directory with `model.safetensors`,
/// `config.json` and `vocab.json`.
enum ModelExport {
    enum Layout: String, CaseIterable {
        case rasp
        case transformerLens = "transformer-lens"
    }

    static let formatTag = DenseTransformer.formatTag

    /// Everything needed to run and decode the model, as safetensors metadata: string values, JSON
    /// where structured (lists, numbers, booleans, null).
    static func metadata(_ compiled: CompiledProgram, _ variant: VariantModel, layout: Layout) -> [String: String] {
        let program = compiled.program, model = variant.model
        func json(_ value: JSON) -> String { value.compact() }
        var meta: [String: String] = [
            "format": formatTag, "layout": layout.rawValue, "program": program.name,
            "variant": variant.variant.rawValue, "variant_seed": String(variant.seed), "noise": json(.double(variant.noise)),
            "input": json(.array(compiled.inputTokens)), "bos_id": "0",
            "max_seq_len": String(program.maxSeqLen), "n_ctx": String(model.positions),
            "causal": json(.bool(program.causal)), "attention_scale": "1", "activation": "relu", "normalization": "none",
            "layers": String(model.layers.count), "head_slots": String(model.headSlots), "heads": json(compiled.headRolesJSON),
            "mlp_hidden": json(.array(compiled.mlpHiddenPerLayer.map { .int($0) })), "d_model": String(model.width),
            "output": json(compiled.outputValues.map { .array($0) } ?? .null), "output_name": compiled.nodes[compiled.outputNode].label,
            "numerical": json(.bool(compiled.outputIsNumerical)), "decoding": compiled.decodingRule,
            "none_threshold": json(compiled.noneThreshold.map { .double($0) } ?? .null),
            "tolerance": json(compiled.numericalTolerance.map { .double($0) } ?? .null),
            "forward": forward(layout),
        ]
        if variant.variant == .compiled { meta["residual_labels"] = json(.array(compiled.model.residualLabels.map { .string($0) })) }
        return meta
    }

    /// The forward pass in one line, in the layout's tensor names.
    static func forward(_ layout: Layout) -> String {
        switch layout {
        case .rasp:
            return "x[p] = embed.tokens[id[p]] + embed.positions[p]; per layer L, every head H: x += softmax_s(mask((x w_q)(x w_k)^T)) (x w_v) w_o"
                + " with layers.L.heads.H.*, no 1/sqrt(d_head), masked to s <= p when causal; then x += relu(x w1) w2; logits = x unembed"
        case .transformerLens:
            return "HookedTransformer with config.json: no layer norm, use_attn_scale false, act_fn relu, zero biases; logits = unembed"
        }
    }

    /// The TransformerLens directory's files, by name.
    static func transformerLensFiles(_ compiled: CompiledProgram, _ variant: VariantModel, dtype: Safetensors.DType) -> [(name: String, bytes: [UInt8])] {
        let shape = TransformerLensLayout(variant.model)
        let weights = Safetensors.encode(shape.tensors(variant.model), metadata: metadata(compiled, variant, layout: .transformerLens), dtype: dtype)
        return [("model.safetensors", weights),
                ("config.json", Array(config(compiled, shape, dtype: dtype).pretty().utf8)),
                ("vocab.json", Array(compiled.vocabularyJSON.pretty().utf8))]
    }

    /// `HookedTransformerConfig`'s fields for the model.
    static func config(_ compiled: CompiledProgram, _ shape: TransformerLensLayout, dtype: Safetensors.DType) -> JSON {
        .object([
            "model_name": .string(compiled.program.name),
            "n_layers": .int(shape.nLayers), "d_model": .int(shape.dModel), "n_heads": .int(shape.nHeads), "d_head": .int(shape.dHead),
            "d_mlp": .int(shape.dMLP), "n_ctx": .int(shape.nCtx), "d_vocab": .int(shape.dVocab), "d_vocab_out": .int(shape.dVocabOut),
            "act_fn": .string("relu"), "normalization_type": .null, "attention_dir": .string(compiled.program.causal ? "causal" : "bidirectional"),
            "use_attn_scale": .bool(false), "positional_embedding_type": .string("standard"), "attn_only": .bool(false),
            "gated_mlp": .bool(false), "final_rms": .bool(false), "parallel_attn_mlp": .bool(false),
            "original_architecture": .null, "tokenizer_name": .null, "default_prepend_bos": .bool(false),
            "init_weights": .bool(false), "dtype": .string(dtype.rawValue),
        ])
    }
}
