/// Export in the safetensors format (an 8-byte little-endian header length, a JSON header naming each
/// tensor's dtype, shape and byte range, then the raw little-endian data).
///
/// Tensors are full-width and dense, as a Haiku/PyTorch user expects: for each head `w_q` [d, k] and
/// `w_k` [d, k] (logits are `(x w_q) . (x w_k)`), `w_v` [d, o] (the value already multiplied by W_OV)
/// and `w_o` [o, d]; for each MLP `w1` [d, hidden] and `w2` [hidden, d]; the embeddings; and `unembed`
/// [d, outputs]. The header's `__metadata__` holds the residual labels and anything the caller adds.
extension Transformer {
    public func safetensors(metadata: [String: String]) -> [UInt8] {
        var tensors: [(String, [Int], [Double])] = []
        let d = residualWidth
        tensors.append(("embed.tokens", [tokenEmbedding.rows, d], tokenEmbedding.values))
        tensors.append(("embed.positions", [positionEmbedding.rows, d], positionEmbedding.values))
        for (l, layer) in layers.enumerated() {
            for (h, slot) in layer.heads.enumerated() {
                guard let head = slot else { continue }
                let p = "layers.\(l).heads.\(h)."
                let nk = head.keyInputs.count, no = head.outputs.count
                var wq = [Double](repeating: 0, count: d * nk)
                for (i, dim) in head.queryInputs.enumerated() { for j in 0..<nk { wq[dim * nk + j] = head.wQK[i, j] } }
                var wk = [Double](repeating: 0, count: d * nk)
                for (j, dim) in head.keyInputs.enumerated() { wk[dim * nk + j] = 1 }
                var wv = [Double](repeating: 0, count: d * no)
                for (i, dim) in head.valueInputs.enumerated() { for o in 0..<no { wv[dim * no + o] = head.wOV[i, o] } }
                var wo = [Double](repeating: 0, count: no * d)
                for (o, dim) in head.outputs.enumerated() { wo[o * d + dim] = 1 }
                tensors += [(p + "w_q", [d, nk], wq), (p + "w_k", [d, nk], wk), (p + "w_v", [d, no], wv), (p + "w_o", [no, d], wo)]
            }
            if let mlp = layer.mlp {
                let p = "layers.\(l).mlp."
                var w1 = [Double](repeating: 0, count: d * mlp.hidden)
                for (i, dim) in mlp.inputs.enumerated() { for k in 0..<mlp.hidden { w1[dim * mlp.hidden + k] = mlp.w1[i, k] } }
                var w2 = [Double](repeating: 0, count: mlp.hidden * d)
                for k in 0..<mlp.hidden { for (o, dim) in mlp.outputs.enumerated() { w2[k * d + dim] = mlp.w2[k, o] } }
                tensors += [(p + "w1", [d, mlp.hidden], w1), (p + "w2", [mlp.hidden, d], w2)]
            }
        }
        var unembed = [Double](repeating: 0, count: d * outputDimensions.count)
        for (o, dim) in outputDimensions.enumerated() { unembed[dim * outputDimensions.count + o] = 1 }
        tensors.append(("unembed", [d, outputDimensions.count], unembed))

        // Header: tensors sorted by name, byte ranges in that order.
        tensors.sort { $0.0 < $1.0 }
        var header = "{"
        var meta = metadata
        meta["residual_labels"] = "[" + residualLabels.map { Transformer.jsonString($0) }.joined(separator: ",") + "]"
        meta["format"] = "rasp"
        header += "\"__metadata__\":{" + meta.keys.sorted().map { "\(Transformer.jsonString($0)):\(Transformer.jsonString(meta[$0]!))" }.joined(separator: ",") + "}"
        var offset = 0
        for (name, shape, values) in tensors {
            let size = values.count * 8
            header += ",\(Transformer.jsonString(name)):{\"dtype\":\"F64\",\"shape\":[\(shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + size)]}"
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

    static func jsonString(_ s: String) -> String {
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
