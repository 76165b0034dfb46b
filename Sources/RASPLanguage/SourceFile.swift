/// A program's text with its path, and the means to map byte offsets to lines and columns.
public struct SourceFile: Sendable {
    public let path: String
    public let text: String
    /// The text as UTF-8 bytes; the lexer works on these.
    public let bytes: [UInt8]
    /// Byte offset at which each line starts (line 1 is index 0).
    public let lineStarts: [Int]

    public init(path: String, text: String) {
        self.path = path
        self.text = text
        self.bytes = Array(text.utf8)
        var starts = [0]
        for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") { starts.append(i + 1) }
        self.lineStarts = starts
    }

    /// Builds a source file from raw bytes; invalid UTF-8 is replaced, and the caller is told where it was.
    public init(path: String, data: [UInt8]) {
        self.init(path: path, text: String(decoding: data, as: UTF8.self))
    }

    /// The program's name: the file name without directory and `.rasp` extension.
    public var programName: String {
        var name = path
        if let slash = name.lastIndex(of: "/") { name = String(name[name.index(after: slash)...]) }
        if name.hasSuffix(".rasp") { name.removeLast(5) }
        return name
    }

    /// The text of a line (1-based), without its newline.
    public func lineText(_ line: Int) -> String {
        guard line >= 1, line <= lineStarts.count else { return "" }
        let start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
    }

    /// The location of a byte offset: 1-based line, and 1-based column counted in Unicode scalars.
    public func location(ofOffset offset: Int) -> SourceLocation {
        let clamped = min(max(offset, 0), bytes.count)
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= clamped { lo = mid } else { hi = mid - 1 }
        }
        var column = 1
        var i = lineStarts[lo]
        while i < clamped {
            if bytes[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        return SourceLocation(line: lo + 1, column: column, offset: clamped)
    }
}

/// A point in a source file: 1-based line and column, and the byte offset.
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var offset: Int

    public init(line: Int, column: Int, offset: Int = 0) {
        self.line = line
        self.column = column
        self.offset = offset
    }

    /// Locations are equal when they name the same line and column (the offset is derived from them).
    public static func == (a: SourceLocation, b: SourceLocation) -> Bool {
        a.line == b.line && a.column == b.column
    }

    public func hash(into h: inout Hasher) {
        h.combine(line)
        h.combine(column)
    }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }

    public var description: String { "\(line):\(column)" }

    /// The location used for things that come from no source text (command-line input, generated code).
    public static let unknown = SourceLocation(line: 0, column: 0, offset: 0)
}
