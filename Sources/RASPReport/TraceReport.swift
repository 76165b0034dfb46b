import Foundation
import RASPLanguage
import RASPModel
import RASPCompiler

/// `rasp explain` as text: for every stage, the heads of an attention sub-layer with the keys each
/// query attends to, then the s-ops written so far, decoded from the residual stream, position by
/// position, with every disagreement with the interpreter marked.
public enum TraceReport {
    /// Attention weights below this are left out of the text (they are in the JSON and the page).
    public static let shownWeight = 0.01
    /// Attention lines wrap before this many characters.
    static let lineWidth = 100

    public static func text(_ trace: ModelTrace, path: String) -> String {
        var lines = header(trace, path: path)
        let table = SOpTable(trace)
        if !table.isSplit { lines += [""] + table.header(table.blocks[0]) }
        for (i, snapshot) in trace.snapshots.enumerated() {
            lines += ["", snapshot.stage.description]
            if case .attention(let l) = snapshot.stage {
                for head in trace.heads(ofLayer: l) { lines += headLines(head, trace: trace) }
            }
            // A sub-layer that writes exactly nothing (no head, no MLP) leaves every value as it was;
            // one meant to write an s-op shows it, written or not.
            if i > 0, snapshot.residual == trace.snapshots[i - 1].residual, !snapshot.sops.contains(where: \.isNew) {
                lines.append("  writes nothing: the residual stream is unchanged")
            } else {
                lines += table.rows(snapshot.sops)
            }
        }
        lines += [""] + footer(trace)
        return lines.joined(separator: "\n") + "\n"
    }

    static func header(_ trace: ModelTrace, path: String) -> [String] {
        ["rasp explain \(path)", summary(trace)] + (basisNote(trace).map { [$0] } ?? []) + [
         "input: \(trace.input.map(show).joined(separator: " "))",
         "After each stage, every s-op written so far, decoded from the residual stream at each position.",
         "'+': an s-op the stage wrote; 'x!=y': a disagreement (model x, interpreter y), its row marked '!'."]
    }

    /// How a rotated or noisy model's stream is read; nil for the compiled model.
    static func basisNote(_ trace: ModelTrace) -> String? {
        switch trace.variant {
        case .compiled: return nil
        case .rotated: return "Its residual stream is read in the compiled basis through its rotation R (x R^T)."
        case .noisy: return "Its residual stream is read in the compiled basis through its rotation R (x R^T); the noise stays."
        }
    }

    /// `the compiled model: 2 layers, 3 heads, residual width 21`.
    static func summary(_ trace: ModelTrace) -> String {
        let heads = trace.heads.count
        return "the \(variantName(trace)): \(trace.layerCount) layer\(trace.layerCount == 1 ? "" : "s"), "
            + "\(heads) head\(heads == 1 ? "" : "s"), residual width \(trace.residualLabels.count)"
    }

    /// `compiled model`, `rotated model (seed 3)`, `noisy model (seed 0, noise 1e-06)`.
    static func variantName(_ trace: ModelTrace) -> String {
        switch trace.variant {
        case .compiled: return "compiled model"
        case .rotated: return "rotated model (seed \(trace.variantSeed))"
        case .noisy: return "noisy model (seed \(trace.variantSeed), noise \(trace.noise))"
        }
    }

    static func footer(_ trace: ModelTrace) -> [String] {
        let n = trace.disagreements
        return ["output (decoded from the logits, as rasp run decodes it): \(trace.output.map(show).joined(separator: " "))",
                "interpreter: \(trace.expectedOutput.map(show).joined(separator: " ")) (\(trace.outputAgrees ? "the same" : "DIFFERENT"))",
                n == 0 ? "every decoded s-op agrees with the interpreter at every stage"
                       : "\(n) decoded value\(n == 1 ? "" : "s") disagree\(n == 1 ? "s" : "") with the interpreter"]
    }

    /// A head's title line and, per input query, the keys it attends to with weight >= `shownWeight`.
    static func headLines(_ head: ModelTrace.HeadPattern, trace: ModelTrace) -> [String] {
        let title = "  head \(head.layer).\(head.slot) computes \(head.label)\(head.isSelectorWidth ? " (selector width)" : ""):"
        guard let weights = head.weights else { return [title + " writes nothing (its value or output map is zero)"] }
        var lines = [title + " query -> key weight"]
        for q in 1..<weights.rows {
            let items = (0..<weights.columns).filter { weights[q, $0] >= shownWeight }.map { k in
                "\(keyName(k)) \(String(format: "%.2f", weights[q, k]))"
            }
            lines += wrapped(prefix: "    q\(q - 1) -> ", items: items.isEmpty ? ["(no key at 0.01 or more)"] : items)
        }
        return lines
    }

    /// `BOS` for position 0, `k0` for the first input position.
    static func keyName(_ k: Int) -> String { k == 0 ? "BOS" : "k\(k - 1)" }

    /// `prefix` and the items separated by commas, continued on indented lines before `lineWidth`.
    static func wrapped(prefix: String, items: [String]) -> [String] {
        var lines: [String] = []
        var line = prefix
        let indent = String(repeating: " ", count: prefix.count)
        for (i, item) in items.enumerated() {
            let piece = item + (i == items.count - 1 ? "" : ",")
            if line.count > prefix.count, line.count + 1 + piece.count > lineWidth {
                lines.append(line)
                line = indent + piece
            } else {
                line += (line.count > prefix.count ? " " : "") + piece
            }
        }
        lines.append(line)
        return lines
    }

    /// A value as the trace prints it: reals with at most four decimals, the rest as `rasp eval` does.
    public static func show(_ v: Value) -> String {
        switch v {
        case .real(let r):
            guard r.isFinite else { return v.description }
            var s = String(format: "%.4f", r)
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
            return s == "-0" ? "0" : s
        case .tuple(let items): return "(" + items.map(show).joined(separator: ",") + ")"
        default: return v.description
        }
    }
}
