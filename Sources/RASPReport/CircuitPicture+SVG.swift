import RASPModel

/// The layout: one row per sublayer, bottom to top: `tok` and `pos`, then each layer's heads and its
/// MLP, then `out`. A head has three input ports on its lower edge (q, k, v); an MLP and `out` have
/// one. An edge is a vertical cubic Bézier from the top of its writer to its reader's port.
extension CircuitPicture {
    struct Box {
        var name: String
        var label: String?
        var row: Int
        var x = 0.0
        var width = 0.0
        var isHead: Bool
    }

    static let rowGap = 96.0, emptyRowGap = 30.0, boxHeight = 40.0, columnGap = 28.0, margin = 24.0, gutter = 64.0
    static let minimumWidth = 440.0
    static let maxLabelCharacters = 26

    /// The components drawn: the embeddings and `out`, every component that computes an s-op, and any
    /// empty slot a drawn edge touches.
    func boxes() -> [Box] {
        var touched = Set<String>()
        for l in lines {
            touched.insert(l.from)
            touched.insert(CircuitPicture.owner(ofReader: l.to))
        }
        var out: [Box] = [Box(name: "tok", label: labels["tok"], row: 0, isHead: false),
                          Box(name: "pos", label: labels["pos"], row: 0, isHead: false)]
        for l in 0..<graph.layers {
            for h in 0..<graph.headSlots {
                let name = "a\(l).h\(h)"
                if labels[name] != nil || touched.contains(name) { out.append(Box(name: name, label: labels[name], row: 2 * l + 1, isHead: true)) }
            }
            let mlp = "m\(l)"
            if labels[mlp] != nil || touched.contains(mlp) { out.append(Box(name: mlp, label: labels[mlp], row: 2 * l + 2, isHead: false)) }
        }
        out.append(Box(name: "out", label: "output", row: 2 * graph.layers + 1, isHead: false))
        return placed(out)
    }

    /// Widths from the labels, then each row centred on the widest.
    func placed(_ boxes: [Box]) -> [Box] {
        var boxes = boxes
        for i in boxes.indices {
            let characters = max(boxes[i].name.count, min(CircuitPicture.maxLabelCharacters, boxes[i].label?.count ?? 7))
            boxes[i].width = max(boxes[i].isHead ? 84 : 64, 7.2 * Double(characters) + 18)
        }
        var rowWidth: [Int: Double] = [:]
        for b in boxes { rowWidth[b.row, default: -CircuitPicture.columnGap] += b.width + CircuitPicture.columnGap }
        let widest = max(rowWidth.values.max() ?? 0, CircuitPicture.minimumWidth - 2 * CircuitPicture.margin)
        var cursor: [Int: Double] = [:]
        for i in boxes.indices {
            let row = boxes[i].row
            let start = cursor[row] ?? (CircuitPicture.margin + CircuitPicture.gutter + (widest - rowWidth[row]!) / 2)
            boxes[i].x = start
            cursor[row] = start + boxes[i].width + CircuitPicture.columnGap
        }
        return boxes
    }

    /// `a1.h0.q` belongs to `a1.h0`; `m2` and `out` to themselves.
    static func owner(ofReader name: String) -> String {
        for suffix in [".q", ".k", ".v"] where name.hasSuffix(suffix) { return String(name.dropLast(2)) }
        return name
    }

    var rows: Int { 2 * graph.layers + 2 }

    /// The layout's fixed measures: the picture's width and the height of its header.
    struct Frame {
        var width: Double
        var height: Double
        /// Per row, the y of its boxes' top edge; a row with no box takes a narrow band.
        var tops: [Double]
        var occupied: Set<Int>
    }

    func frame(_ boxes: [Box]) -> Frame {
        let width = max((boxes.map { $0.x + $0.width }.max() ?? 0) + CircuitPicture.margin, CircuitPicture.minimumWidth)
        let occupied = Set(boxes.map(\.row))
        var tops = [Double](repeating: 0, count: rows)
        var y = CircuitPicture.margin + headerHeight(width: width)
        for row in stride(from: rows - 1, through: 0, by: -1) {
            tops[row] = y
            y += occupied.contains(row) ? CircuitPicture.rowGap : CircuitPicture.emptyRowGap
        }
        return Frame(width: width, height: tops[0] + CircuitPicture.boxHeight + CircuitPicture.margin, tops: tops, occupied: occupied)
    }

    func top(ofRow row: Int, _ frame: Frame) -> Double { frame.tops[row] }

    /// `embeddings`, `L0 attn`, `L0 mlp`, ..., `output`: what a row holds.
    func rowName(_ row: Int) -> String {
        if row == 0 { return "embed" }
        if row == rows - 1 { return "unembed" }
        return "L\((row - 1) / 2) " + (row % 2 == 1 ? "attn" : "mlp")
    }

    /// Where an edge ends: a head's q, k or v port at a quarter, half and three quarters of its width.
    func port(_ reader: String, _ box: Box) -> Double {
        let fraction = reader.hasSuffix(".q") ? 0.25 : reader.hasSuffix(".k") ? 0.5 : reader.hasSuffix(".v") ? 0.75 : 0.5
        return box.x + box.width * fraction
    }

    /// The picture as an SVG element (embed it in a page, or write `svgDocument`).
    public var svg: Markup {
        let boxes = boxes()
        let byName = Dictionary(uniqueKeysWithValues: boxes.map { ($0.name, $0) })
        let frame = frame(boxes), width = frame.width, height = frame.height
        let w = Markup.number(width), h = Markup.number(height)
        var svg = Markup("svg", [("xmlns", "http://www.w3.org/2000/svg"), ("width", w), ("height", h), ("viewBox", "0 0 \(w) \(h)"),
                                 ("class", "circuit"), ("font-family", "sans-serif")])
        svg.append(Markup("style", text: CircuitPicture.css))
        svg.append(header(width: width))
        svg.append(rowLabels(frame))
        var edges = Markup("g", [("class", "edges")])
        for line in lines {
            guard let from = byName[line.from], let to = byName[CircuitPicture.owner(ofReader: line.to)] else { continue }
            edges.append(path(line, from: from, to: to, frame))
        }
        svg.append(edges)
        var nodes = Markup("g", [("class", "nodes")])
        nodes.append(contentsOf: boxes.map { node($0, frame) })
        svg.append(nodes)
        return svg
    }

    /// A standalone SVG file.
    public var svgDocument: String { svg.document }

    func path(_ line: Line, from: Box, to: Box, _ frame: Frame) -> Markup {
        let x1 = from.x + from.width / 2, y1 = top(ofRow: from.row, frame)
        let x2 = port(line.to, to), y2 = top(ofRow: to.row, frame) + CircuitPicture.boxHeight
        let bend = max(30, (y1 - y2) * 0.45), side = detour(line, from: from, to: to, frame)
        let n = Markup.number
        let d = "M \(n(x1)) \(n(y1)) C \(n(x1 + side)) \(n(y1 - bend)) \(n(x2 + side)) \(n(y2 + bend)) \(n(x2)) \(n(y2))"
        let tip = "\(line.from) -> \(line.to): \(line.style.legend)" + (line.carries.isEmpty ? "" : " [\(line.carries.joined(separator: ", "))]")
        return Markup("path", [("class", "edge \(line.style.rawValue)"), ("d", d), ("data-from", line.from), ("data-to", line.to)],
                      [Markup("title", text: tip)])
    }

    func rowLabels(_ frame: Frame) -> Markup {
        var g = Markup("g", [("class", "rows")])
        for row in 0..<rows {
            let y = Markup.number(frame.tops[row] + 24)
            g.append(Markup("text", [("class", "row"), ("x", Markup.number(CircuitPicture.margin)), ("y", y)], text: rowName(row)))
        }
        return g
    }

    /// How far an edge that skips rows bulges sideways, so that it passes beside the boxes between
    /// its ends rather than through them: away from the middle of the picture, more for longer skips,
    /// and to alternating sides (by the reader's port) when both ends are in the middle.
    func detour(_ line: Line, from: Box, to: Box, _ frame: Frame) -> Double {
        let skipped = Double(frame.occupied.filter { $0 > from.row && $0 < to.row }.count)
        guard skipped > 0 else { return 0 }
        let amount = 40 + 16 * min(skipped, 8)
        let dx = (to.x + to.width / 2) - (from.x + from.width / 2)
        if abs(dx) > 1 { return dx > 0 ? amount : -amount }
        if line.to.hasSuffix(".q") { return -amount }
        if line.to.hasSuffix(".k") || line.to.hasSuffix(".v") { return amount }
        let parity = line.from.utf8.reduce(0) { $0 + Int($1) } % 2
        return parity == 0 ? amount : -amount
    }

    func node(_ box: Box, _ frame: Frame) -> Markup {
        let n = Markup.number, y = top(ofRow: box.row, frame)
        let kind = box.isHead ? "head" : box.name == "out" ? "output" : box.name.hasPrefix("m") ? "mlp" : "embedding"
        var label = box.label ?? "(empty)"
        if label.count > CircuitPicture.maxLabelCharacters { label = String(label.prefix(CircuitPicture.maxLabelCharacters - 1)) + "…" }
        var g = Markup("g", [("class", "node \(kind)" + (box.label == nil ? " empty" : "")), ("data-name", box.name)])
        g.append(Markup("title", text: "\(box.name): \(box.label ?? "empty slot")"))
        g.append(Markup("rect", [("x", n(box.x)), ("y", n(y)), ("width", n(box.width)), ("height", n(CircuitPicture.boxHeight)), ("rx", "6")]))
        let cx = n(box.x + box.width / 2)
        g.append(Markup("text", [("class", "name"), ("x", cx), ("y", n(y + 15))], text: box.name))
        g.append(Markup("text", [("class", "label"), ("x", cx), ("y", n(y + (box.isHead ? 27 : 31)))], text: label))
        if box.isHead {
            for (port, f) in [("q", 0.25), ("k", 0.5), ("v", 0.75)] {
                g.append(Markup("text", [("class", "port"), ("x", n(box.x + box.width * f)), ("y", n(y + 37))], text: port))
            }
        }
        return g
    }
}
