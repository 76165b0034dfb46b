import RASPLanguage
import RASPModel
import RASPCompiler
import RASPCore

/// `rasp compile FILE [--variant V] [--variant-seed N] [--json] [-o model.safetensors | --format
/// transformer-lens -o DIR] [--dtype float32|float64]`: compile and describe the model (in the chosen
/// variant), beside tracr's figures when the program is one of tracr's library programs.
enum CompileCommand {
    static func run(_ args: [String], console: Console) throws(Arguments.UsageError) -> Int32 {
        let arguments = try Arguments(args, options: Set(["output", "format", "dtype"]).union(VariantOptions.optionNames), flags: ["json"])
        let path = try arguments.programPath("compile")
        let variantOptions = try VariantOptions(arguments)
        let export = try ExportOptions(arguments)
        guard let p = Pipeline.compile(path, console: console), let variant = p.variant(variantOptions, console: console) else {
            return RASPCommandLine.Status.failure
        }
        let compiled = p.compiled
        let model = compiled.model
        let tracr = TracrFigures.named(p.program.name)
        let carrying = variant.model.edgesCarrying(ComputeGraph(model: model))
        let graphEdges = ComputeGraph(model: model).edges.count
        if let out = arguments.options["output"], !write(p.compiled, variant, export, to: out, console: console) {
            return RASPCommandLine.Status.failure
        }
        if arguments.has("json") {
            var o: [String: JSON] = [
                "program": .string(p.program.name),
                "layers": .int(compiled.layerCount),
                "heads": .array(compiled.headsPerLayer.map { .int($0) }),
                "head_slots": .int(model.headSlots),
                "mlp_hidden": .array(compiled.mlpHiddenPerLayer.map { .int($0) }),
                "residual_width": .int(model.residualWidth),
                "parameters": .int(model.parameterCount),
                "nonzero_parameters": .int(model.nonzeroParameterCount),
                "residual_labels": .array(model.residualLabels.map { .string($0) }),
                "placement": .array(placement(compiled).map { .object(["sop": .string($0.sop), "layer": .int($0.layer), "component": .string($0.component)]) }),
                "compile_seconds": .double(p.compileSeconds),
                "inputs_checked": .int(p.evaluation.inputs.count),
                "variant": .string(variant.variant.rawValue),
                "variant_seed": .int(Int(variant.seed)),
                "noise": .double(variant.noise),
                "edges": .int(graphEdges),
                "edges_carrying": .int(carrying),
            ]
            if let tracr {
                o["tracr"] = .object(["layers": .int(tracr.layers), "heads": .array(tracr.headsPerLayer.map { .int($0) }),
                                      "mlp_hidden": .array(tracr.mlpHiddenPerLayer.map { .int($0) }), "residual_width": .int(tracr.dModel),
                                      "nonzero_parameters": .int(tracr.nonzeroParameters), "compile_seconds": .double(tracr.compileSeconds)])
            }
            console.out(JSON.object(o).pretty())
            return RASPCommandLine.Status.success
        }
        func row(_ name: String, _ ours: String, _ theirs: String?) -> String {
            name.padding(toLength: max(20, name.count + 2), withPad: " ", startingAt: 0) + ours.padding(toLength: 28, withPad: " ", startingAt: 0) + (theirs ?? "")
        }
        console.line(row("program " + p.program.name, "rasp", tracr == nil ? nil : "tracr"))
        console.line(row("layers", "\(compiled.layerCount)", tracr.map { "\($0.layers)" }))
        console.line(row("heads per layer", "\(compiled.headsPerLayer)", tracr.map { "\($0.headsPerLayer)" }))
        console.line(row("MLP widths", "\(compiled.mlpHiddenPerLayer)", tracr.map { "\($0.mlpHiddenPerLayer)" }))
        console.line(row("residual width", "\(model.residualWidth)", tracr.map { "\($0.dModel)" }))
        console.line(row("nonzero weights", "\(model.nonzeroParameterCount)", tracr.map { "\($0.nonzeroParameters)" }))
        console.line(row("weights (compact)", "\(model.parameterCount)", nil))
        console.line(row("compile time", Clock.format(p.compileSeconds), tracr.map { Clock.format($0.compileSeconds) }))
        console.line(row("variant", variantOptions.label + (variant.noise > 0 ? ", noise \(variant.noise)" : ""), nil))
        console.line(row("edges carrying", "\(carrying) of \(graphEdges)", nil))
        console.line("")
        for item in placement(compiled) {
            console.line("  layer \(item.layer) \(item.component.padding(toLength: 9, withPad: " ", startingAt: 0)) \(item.sop)")
        }
        console.line("")
        let space = p.evaluation.inputSpaceSize == Int.max ? "more than \(grouped(Int.max))" : grouped(p.evaluation.inputSpaceSize)
        console.line("checked on \(counted(p.evaluation.inputs.count, "input"))\(p.evaluation.isSample ? " (a sample of \(space))" : "") in \(Clock.format(p.evaluationSeconds))")
        if let out = arguments.options["output"] { console.line("wrote \(out)") }
        return RASPCommandLine.Status.success
    }

    /// Where every s-op sits: the head or MLP of which layer.
    static func placement(_ compiled: CompiledProgram) -> [(sop: String, layer: Int, component: String)] {
        var items: [(String, Int, String)] = []
        for (l, roles) in compiled.heads.enumerated() {
            for (h, role) in roles.enumerated() {
                if let role { items.append((role.label, l, "a\(l).h\(h)")) }
            }
            for id in compiled.mlpNodes[l] {
                let n = compiled.nodes[id]
                if case .selectorWidth = n.operation { continue }
                items.append((n.label, l, "m\(l)"))
            }
            for id in compiled.mlpNodes[l] where compiled.heads[l].contains(where: { $0?.node == id }) {
                items.append((compiled.nodes[id].label + " (width)", l, "m\(l)"))
            }
        }
        return items
    }

    /// `--format` and `--dtype`: the rasp layout in float64, or the TransformerLens one in float32,
    /// unless `--dtype` says otherwise.
    struct ExportOptions {
        var layout: ModelExport.Layout
        var dtype: Safetensors.DType

        init(_ arguments: Arguments) throws(Arguments.UsageError) {
            layout = ModelExport.Layout(rawValue: try arguments.choice("format", default: "rasp", among: ModelExport.Layout.allCases.map(\.rawValue)))!
            let fallback: Safetensors.DType = layout == .rasp ? .float64 : .float32
            dtype = Safetensors.DType(rawValue: try arguments.choice("dtype", default: fallback.rawValue, among: Safetensors.DType.allCases.map(\.rawValue)))!
            if arguments.options["output"] == nil, arguments.options["format"] != nil || arguments.options["dtype"] != nil {
                throw Arguments.UsageError(message: "--format and --dtype describe the file -o writes; give -o")
            }
        }
    }

    /// Writes the model file (rasp layout) or directory (TransformerLens layout) at `out`.
    static func write(_ compiled: CompiledProgram, _ variant: VariantModel, _ options: ExportOptions, to out: String, console: Console) -> Bool {
        switch options.layout {
        case .rasp:
            let meta = ModelExport.metadata(compiled, variant, layout: .rasp)
            return console.write(bytes: variant.model.safetensors(metadata: meta, dtype: options.dtype), to: out, command: "compile")
        case .transformerLens:
            let directory = out.hasSuffix("/") ? String(out.dropLast()) : out
            for file in ModelExport.transformerLensFiles(compiled, variant, dtype: options.dtype) {
                guard console.write(bytes: file.bytes, to: directory + "/" + file.name, command: "compile") else { return false }
            }
            return true
        }
    }
}
