import RASPCompiler

/// The s-op rows of `rasp explain`'s text: a label column, then a column per input position, each as
/// wide as its widest cell over every stage, so that stages line up. Positions that do not fit in a
/// line of `TraceReport.lineWidth` are split into blocks, each with its own position and token lines.
struct SOpTable {
    let labelWidth: Int
    let widths: [Int]
    let tokens: [String]
    /// The positions of each block, in order.
    let blocks: [Range<Int>]

    /// The columns before a row's label: two spaces, the marks `!` and `+`, a space.
    static let markWidth = 5

    init(_ trace: ModelTrace, lineWidth: Int = TraceReport.lineWidth) {
        let shown = trace.input.map(TraceReport.show)
        tokens = shown
        var widths = shown.indices.map { max(shown[$0].count, "\($0)".count) }
        var label = "position".count
        for snapshot in trace.snapshots {
            for sop in snapshot.sops {
                label = max(label, sop.label.count)
                for p in widths.indices { widths[p] = max(widths[p], SOpTable.cell(sop, p).count) }
            }
        }
        labelWidth = label
        self.widths = widths
        var blocks: [Range<Int>] = [], start = 0, used = SOpTable.markWidth + label
        for p in widths.indices {
            if p > start, used + 2 + widths[p] > lineWidth {
                blocks.append(start..<p)
                (start, used) = (p, SOpTable.markWidth + label)
            }
            used += 2 + widths[p]
        }
        blocks.append(start..<widths.count)
        self.blocks = blocks
    }

    /// Whether the positions take more than one block.
    var isSplit: Bool { blocks.count > 1 }

    /// The `position` and `token` lines of a block.
    func header(_ block: Range<Int>) -> [String] {
        let pad = String(repeating: " ", count: SOpTable.markWidth)
        return [line(pad, "position", block, block.map { "\($0)" }), line(pad, "token", block, block.map { tokens[$0] })]
    }

    /// The s-ops of a stage: a row each, or, when the positions are split, each block's header and rows.
    func rows(_ sops: [ModelTrace.SOpValues]) -> [String] {
        guard isSplit else { return sops.map { row($0, blocks[0]) } }
        return blocks.flatMap { block in header(block) + sops.map { row($0, block) } }
    }

    /// One s-op on one block: `!` if it disagrees anywhere, `+` if the stage wrote it, then its cells.
    func row(_ sop: ModelTrace.SOpValues, _ block: Range<Int>) -> String {
        let mark = "  " + (sop.agrees.allSatisfy { $0 } ? " " : "!") + (sop.isNew ? "+" : " ") + " "
        return line(mark, sop.label, block, block.map { SOpTable.cell(sop, $0) })
    }

    /// The model's value, or `model!=interpreter` where they differ.
    static func cell(_ sop: ModelTrace.SOpValues, _ p: Int) -> String {
        let model = TraceReport.show(sop.model[p])
        return sop.agrees[p] ? model : model + "!=" + TraceReport.show(sop.interpreter[p])
    }

    private func line(_ mark: String, _ label: String, _ block: Range<Int>, _ cells: [String]) -> String {
        var s = mark + label.padding(toLength: max(labelWidth, label.count), withPad: " ", startingAt: 0)
        for (p, c) in zip(block, cells) { s += "  " + c.padding(toLength: widths[p], withPad: " ", startingAt: 0) }
        while s.hasSuffix(" ") { s.removeLast() }
        return s
    }
}
