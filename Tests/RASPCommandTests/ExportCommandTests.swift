import Foundation
import Testing
import RASPLanguage
import RASPModel
import RASPCompiler
import Discovery
import RASPCircuits
import RASPTestSupport

/// The files for other tools (RASP.md 3.9, FORMATS.md): the self-describing safetensors metadata, the
/// TransformerLens directory, and `rasp export-data`.
@Suite struct ExportCommandTests {
    static let oddTokens = """
        vocab {"BOS", "a b", "x:y", "c"};
        max_seq_len 3;
        causal;
        first = aggregate(select(indices, indices, lambda k, q: k == 0), tokens);
        """

    func temporaryDirectory() -> String {
        NSTemporaryDirectory() + "rasp-export-\(UUID().uuidString)"
    }

    /// The header of a safetensors file: its JSON, and the bytes after it.
    func header(_ path: String) throws -> (json: JSON, dataBytes: Int) {
        let bytes = try #require(FileSystem.readBytes(path))
        let n = (0..<8).reduce(0) { $0 | Int(bytes[$1]) << (8 * $1) }
        return (try JSON.parse(String(decoding: bytes[8..<(8 + n)], as: UTF8.self)), bytes.count - 8 - n)
    }

    func metadata(_ path: String) throws -> [String: String] {
        let object = try #require(try header(path).json["__metadata__"]?.objectValue)
        return object.compactMapValues(\.stringValue)
    }

    @Test func theMetadataParsesBackAndOddTokensRoundTrip() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileSystem.write(ExportCommandTests.oddTokens, to: dir + "/odd.rasp")
        #expect(rasp("compile", dir + "/odd.rasp", "-o", dir + "/odd.safetensors").status == 0)
        let raw = try #require(try header(dir + "/odd.safetensors").json["__metadata__"]?.objectValue)
        let meta = try metadata(dir + "/odd.safetensors")
        #expect(meta.count == raw.count, "every metadata value is a string")
        let tokens: [JSON] = ["BOS", "BOS", "a b", "c", "x:y"].map { .string($0) }
        #expect(try JSON.parse(meta["input"] ?? "") == .array(tokens))
        #expect(try JSON.parse(meta["output"] ?? "") == .array(Array(tokens.dropFirst())))
        #expect(meta["format"] == "rasp-model/1" && meta["layout"] == "rasp" && meta["bos_id"] == "0")
        #expect(meta["causal"] == "true" && meta["attention_scale"] == "1" && meta["activation"] == "relu")
        #expect(meta["max_seq_len"] == "3" && meta["n_ctx"] == "4" && meta["numerical"] == "false")
        #expect(meta["decoding"] == "argmax-or-none" && meta["none_threshold"] == "0.5" && meta["output_name"] == "first")
        #expect(meta["layers"] == "1" && meta["head_slots"] == "1")
        #expect(try JSON.parse(meta["heads"] ?? "") == .array([.array([.string("first")])]))
        #expect(try JSON.parse(meta["residual_labels"] ?? "").arrayValue?.count == Int(meta["d_model"] ?? ""))
    }

    @Test func aNumericalOutputSaysSo() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(rasp("compile", "programs/frac_prevs.rasp", "--variant", "noisy", "-o", dir + "/m.safetensors").status == 0)
        let meta = try metadata(dir + "/m.safetensors")
        #expect(meta["output"] == "null" && meta["numerical"] == "true" && meta["decoding"] == "column-0")
        #expect(meta["none_threshold"] == "null" && meta["tolerance"] == "0.0001")
        #expect(meta["variant"] == "noisy" && meta["residual_labels"] == nil)
        #expect(Double(meta["noise"] ?? "") ?? 0 > 0)
    }

    @Test func theTransformerLensDirectoryHasItsNamesShapesAndConfig() throws {
        let dir = temporaryDirectory() + "/not/yet/there"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = rasp("compile", "programs/shuffle_dyck2.rasp", "--format", "transformer-lens", "-o", dir)
        #expect(r.status == 0, "\(r.stderr)")
        let config = try JSON.parse(try #require(FileSystem.readText(dir + "/config.json")))
        let (tensors, dataBytes) = try header(dir + "/model.safetensors")
        let d = try #require(config["d_model"]?.intValue), heads = try #require(config["n_heads"]?.intValue)
        let k = try #require(config["d_head"]?.intValue), mlp = try #require(config["d_mlp"]?.intValue)
        let vocab = try #require(config["d_vocab"]?.intValue), out = try #require(config["d_vocab_out"]?.intValue)
        #expect(config["n_layers"]?.intValue == 8 && heads == 4 && config["n_ctx"]?.intValue == 6 && vocab == 5 && out == 2)
        #expect(config["act_fn"] == .string("relu") && config["normalization_type"] == .null)
        #expect(config["attention_dir"] == .string("bidirectional") && config["use_attn_scale"] == .bool(false))
        #expect(config["positional_embedding_type"] == .string("standard") && config["dtype"] == .string("float32"))
        var expected: [String: [Int]] = ["embed.W_E": [vocab, d], "pos_embed.W_pos": [6, d], "unembed.W_U": [d, out], "unembed.b_U": [out]]
        for l in 0..<8 {
            let a = "blocks.\(l).attn.", m = "blocks.\(l).mlp."
            for name in ["W_Q", "W_K", "W_V"] { expected[a + name] = [heads, d, k] }
            for name in ["b_Q", "b_K", "b_V"] { expected[a + name] = [heads, k] }
            expected[a + "W_O"] = [heads, k, d]
            expected[a + "b_O"] = [d]
            expected[m + "W_in"] = [d, mlp]
            expected[m + "b_in"] = [mlp]
            expected[m + "W_out"] = [mlp, d]
            expected[m + "b_out"] = [d]
        }
        let found = try #require(tensors.objectValue).filter { $0.key != "__metadata__" }
        #expect(Set(found.keys) == Set(expected.keys))
        for (name, shape) in expected {
            #expect(found[name]?["shape"]?.arrayValue?.compactMap(\.intValue) == shape, "\(name)")
            #expect(found[name]?["dtype"]?.stringValue == "F32", "\(name)")
        }
        #expect(dataBytes == 4 * expected.values.reduce(0) { $0 + $1.reduce(1, *) })
        let vocabJSON = try JSON.parse(try #require(FileSystem.readText(dir + "/vocab.json")))
        #expect(vocabJSON["input"] == .array(["BOS", "(", ")", "{", "}"].map { .string($0) }))
        #expect(vocabJSON["output"] == .array([.bool(false), .bool(true)]) && vocabJSON["numerical"] == .bool(false))
        #expect(vocabJSON["none_threshold"] == .double(0.5))
        #expect(try metadata(dir + "/model.safetensors")["layout"] == "transformer-lens")
    }

    @Test func theTransformerLensFilesAreDeterministicAndTakeADtype() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for name in ["a", "b"] {
            #expect(rasp("compile", "programs/prefix_length.rasp", "--format", "transformer-lens", "--dtype", "float64", "-o", dir + "/" + name).status == 0)
        }
        for file in ["model.safetensors", "config.json", "vocab.json"] {
            #expect(FileSystem.readBytes(dir + "/a/" + file) == FileSystem.readBytes(dir + "/b/" + file), "\(file)")
        }
        let config = try JSON.parse(try #require(FileSystem.readText(dir + "/a/config.json")))
        #expect(config["attention_dir"] == .string("causal") && config["dtype"] == .string("float64"))
        #expect(try header(dir + "/a/model.safetensors").json["embed.W_E"]?["dtype"]?.stringValue == "F64")
        #expect(rasp("compile", "programs/reverse.rasp", "--format", "onnx", "-o", dir + "/c").status == 64)
        #expect(rasp("compile", "programs/reverse.rasp", "--format", "transformer-lens").status == 64)
        #expect(rasp("compile", "programs/reverse.rasp", "--dtype", "float16", "-o", dir + "/d").status == 64)
    }

    @Test func exportDataHasTheTasksInputsPartnersAndOutputs() throws {
        let data = try JSON.parse(rasp("export-data", "programs/reverse.rasp", "--seed", "2").stdout)
        #expect(data["format"] == .string("rasp-data/1") && data["seed"]?.intValue == 2 && data["sampled"] == .bool(false))
        let entries = try #require(data["inputs"]?.arrayValue)
        #expect(entries.count == 363)
        // The partners are the ones the resample task draws with the same seed.
        let program = try Repository.load("reverse")
        let compiled = try Compiler.compile(program), evaluation = try ProgramEvaluation.run(program)
        let task = ProgramTask.make(compiled, model: compiled.dense, inputs: ProgramTask.inputs(program, evaluation: evaluation, seed: 2),
                                    ablation: .resample, seed: 2)
        let ids = entries.map { $0["ids"]?.arrayValue?.compactMap(\.intValue) ?? [] }
        let taskIds = task.groups.flatMap { g in (0..<g.batch.count).map { b in g.batch.tokens[(b * g.batch.length)..<((b + 1) * g.batch.length)].map { Int($0) } } }
        let partnerIds = task.groups.flatMap { g in
            (0..<g.batch.count).map { b in g.partners!.tokens[(b * g.batch.length)..<((b + 1) * g.batch.length)].map { Int($0) } }
        }
        #expect(ids == taskIds)
        #expect(entries.map { ids[$0["partner"]?.intValue ?? 0] } == partnerIds)
        let first = try #require(entries.first { $0["input"] == .array(["a", "b", "c"].map { .string($0) }) })
        #expect(first["output"] == .array(["c", "b", "a"].map { .string($0) }))
        #expect(first["logits"]?.arrayValue?.count == 4 && first["logits"]?.arrayValue?.first?.arrayValue?.count == 3)
    }

    @Test func exportDataSamplesAsTheTaskDoesAndWritesAFile() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(rasp("export-data", "programs/sort_16.rasp", "-o", dir + "/data.json").status == 0)
        let data = try JSON.parse(try #require(FileSystem.readText(dir + "/data.json")))
        #expect(data["sampled"] == .bool(true))
        #expect(data["inputs"]?.arrayValue?.count == ProgramTask.sampleLimit)
    }

    @Test func runPrintsRealsInFull() throws {
        let run = rasp("run", "programs/frac_prevs.rasp", "--input", "a b c", "--json").stdout
        let data = try JSON.parse(rasp("export-data", "programs/frac_prevs.rasp").stdout)
        let entry = try #require(data["inputs"]?.arrayValue?.first { $0["input"] == .array(["a", "b", "c"].map { .string($0) }) })
        #expect(run == JSON.object(["input": entry["input"]!, "output": entry["output"]!]).compact() + "\n")
        let third = try #require(try JSON.parse(run)["output"]?.arrayValue?[2].doubleValue)
        #expect(abs(third - 1.0 / 3) < 1e-6 && third != 0.333333)
    }
}
