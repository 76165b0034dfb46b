/// Export in the safetensors format (an 8-byte little-endian header length, a JSON header naming each
/// tensor's dtype, shape and byte range, then the raw little-endian data).
///
/// Tensors are the dense model's, as a Haiku/PyTorch user expects: for each head `w_q` [d, k] and
/// `w_k` [d, k] (logits are `(x w_q) . (x w_k)`, no scaling), `w_v` [d, v] and `w_o` [v, d]; for each
/// MLP `w1` [d, hidden] and `w2` [hidden, d]; the embeddings; and `unembed` [d, outputs]. Every head
/// slot and MLP is written, empty ones as zeros. The header's `__metadata__` holds what the caller adds.
extension DenseTransformer {
    public func safetensors(metadata: [String: String]) -> [UInt8] {
        var tensors: [(String, [Int], [Double])] = []
        func add(_ name: String, _ m: Matrix) { tensors.append((name, [m.rows, m.columns], m.values)) }
        add("embed.tokens", tokenEmbedding)
        add("embed.positions", positionEmbedding)
        for (l, layer) in layers.enumerated() {
            for (h, head) in layer.heads.enumerated() {
                let p = "layers.\(l).heads.\(h)."
                add(p + "w_q", head.query)
                add(p + "w_k", head.key)
                add(p + "w_v", head.value)
                add(p + "w_o", head.output)
            }
            add("layers.\(l).mlp.w1", layer.mlp.input)
            add("layers.\(l).mlp.w2", layer.mlp.output)
        }
        add("unembed", unembedding)

        // Header: tensors sorted by name, byte ranges in that order.
        tensors.sort { $0.0 < $1.0 }
        var header = "{"
        var meta = metadata
        meta["format"] = "rasp"
        header += "\"__metadata__\":{" + meta.keys.sorted().map { "\(DenseTransformer.jsonString($0)):\(DenseTransformer.jsonString(meta[$0]!))" }.joined(separator: ",") + "}"
        var offset = 0
        for (name, shape, values) in tensors {
            let size = values.count * 8
            header += ",\(DenseTransformer.jsonString(name)):{\"dtype\":\"F64\",\"shape\":[\(shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + size)]}"
            offset += size
        }
        header += "}"
        while (header.utf8.count + 8) % 8 != 0 { header += " " }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + header.utf8.count + offset)
        let n = UInt64(header.utf8.count)
        for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: n >> (8 * UInt64(i)))) }
        bytes += Array(header.utf8)
        for (_, _, values) in tensors {
            for v in values {
                let bits = v.bitPattern
                for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: bits >> (8 * UInt64(i)))) }
            }
        }
        return bytes
    }

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

import Foundation
