/// The safetensors format: an 8-byte little-endian header length, a JSON header naming each tensor's
/// dtype, shape and byte range (tensors sorted by name, ranges in that order), then the raw
/// little-endian data. The header's `__metadata__` holds string values only.
public enum Safetensors {
    public enum DType: String, Sendable, CaseIterable {
        case float32, float64

        /// The header's name of the dtype.
        public var tag: String { self == .float32 ? "F32" : "F64" }
        public var size: Int { self == .float32 ? 4 : 8 }
    }

    public struct Tensor: Sendable, Equatable {
        public var name: String
        public var shape: [Int]
        public var values: [Double]

        public init(_ name: String, _ shape: [Int], _ values: [Double]) {
            precondition(shape.reduce(1, *) == values.count, "tensor storage does not match its shape")
            self.name = name
            self.shape = shape
            self.values = values
        }

        public init(_ name: String, _ m: Matrix) { self.init(name, [m.rows, m.columns], m.values) }
    }

    /// The file's bytes: the same tensors and metadata give the same bytes.
    public static func encode(_ tensors: [Tensor], metadata: [String: String], dtype: DType = .float64) -> [UInt8] {
        let sorted = tensors.sorted { $0.name < $1.name }
        var header = "{\"__metadata__\":{"
        header += metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0]!))" }.joined(separator: ",") + "}"
        var offset = 0
        for t in sorted {
            let size = t.values.count * dtype.size
            header += ",\(jsonString(t.name)):{\"dtype\":\"\(dtype.tag)\",\"shape\":[\(t.shape.map(String.init).joined(separator: ","))],"
            header += "\"data_offsets\":[\(offset),\(offset + size)]}"
            offset += size
        }
        header += "}"
        while (header.utf8.count + 8) % 8 != 0 { header += " " }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + header.utf8.count + offset)
        append(UInt64(header.utf8.count), bytes: 8, to: &bytes)
        bytes += Array(header.utf8)
        for t in sorted {
            for v in t.values {
                switch dtype {
                case .float64: append(v.bitPattern, bytes: 8, to: &bytes)
                case .float32: append(UInt64(Float(v).bitPattern), bytes: 4, to: &bytes)
                }
            }
        }
        return bytes
    }

    static func append(_ bits: UInt64, bytes n: Int, to bytes: inout [UInt8]) {
        for i in 0..<n { bytes.append(UInt8(truncatingIfNeeded: bits >> (8 * UInt64(i)))) }
    }

    /// A JSON string literal (quotes, backslashes and control characters escaped).
    public static func jsonString(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default:
                if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}

/// The dense model in the rasp layout: for each head `w_q` [d, k] and `w_k` [d, k] (logits are
/// `(x w_q) . (x w_k)`, no scaling), `w_v` [d, v] and `w_o` [v, d]; for each MLP `w1` [d, hidden] and
/// `w2` [hidden, d]; the embeddings; and `unembed` [d, outputs]. Every head slot and MLP is written,
/// empty ones as zeros.
extension DenseTransformer {
    public var raspTensors: [Safetensors.Tensor] {
        var tensors = [Safetensors.Tensor("embed.tokens", tokenEmbedding), Safetensors.Tensor("embed.positions", positionEmbedding)]
        for (l, layer) in layers.enumerated() {
            for (h, head) in layer.heads.enumerated() {
                let p = "layers.\(l).heads.\(h)."
                tensors += [.init(p + "w_q", head.query), .init(p + "w_k", head.key), .init(p + "w_v", head.value), .init(p + "w_o", head.output)]
            }
            tensors += [.init("layers.\(l).mlp.w1", layer.mlp.input), .init("layers.\(l).mlp.w2", layer.mlp.output)]
        }
        return tensors + [.init("unembed", unembedding)]
    }

    /// The rasp layout as safetensors; `metadata` goes into `__metadata__`, with `format` set to
    /// `rasp-model/1` unless the caller names one.
    public func safetensors(metadata: [String: String], dtype: Safetensors.DType = .float64) -> [UInt8] {
        var meta = metadata
        if meta["format"] == nil { meta["format"] = DenseTransformer.formatTag }
        return Safetensors.encode(raspTensors, metadata: meta, dtype: dtype)
    }

    /// The `format` of the rasp layout's metadata.
    public static let formatTag = "rasp-model/1"
}
