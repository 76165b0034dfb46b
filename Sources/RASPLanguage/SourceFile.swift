/// A program's text with its path, and the means to map byte offsets to lines and columns.
public struct SourceFile: Sendable {
    public private(set) var path: String
    public let text: String
    /// The text as UTF-8 bytes; the lexer works on these.
    public let bytes: [UInt8]
    /// Byte offset at which each line starts (line 1 is index 0).
    public let lineStarts: [Int]

    public init(path: String, text: String) {
        self.init(path: path, data: Array(text.utf8))
    }

    /// Builds a source file from a file's bytes. A leading UTF-8 byte-order mark is dropped, and CRLF
    /// and CR line endings become LF, so lines and columns are the same whichever the file uses.
    /// The bytes are kept as they are otherwise: the lexer refuses invalid UTF-8 and NUL bytes
    /// (`textProblem`), and `text` shows them as U+FFFD.
    public init(path: String, data: [UInt8]) {
        let start = data.starts(with: SourceFile.byteOrderMark) ? SourceFile.byteOrderMark.count : 0
        var bytes: [UInt8] = []
        bytes.reserveCapacity(data.count - start)
        var i = start
        while i < data.count {
            let b = data[i]
            i += 1
            if b == SourceFile.carriageReturn {
                bytes.append(SourceFile.lineFeed)
                if i < data.count, data[i] == SourceFile.lineFeed { i += 1 }
            } else {
                bytes.append(b)
            }
        }
        self.path = path
        self.bytes = bytes
        self.text = String(decoding: bytes, as: UTF8.self)
        var starts = [0]
        for (i, b) in bytes.enumerated() where b == SourceFile.lineFeed { starts.append(i + 1) }
        self.lineStarts = starts
    }

    /// The same text under another path (the path a user typed rather than the one resolved).
    public func renamed(_ path: String) -> SourceFile {
        var copy = self
        copy.path = path
        return copy
    }

    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]
    static let lineFeed = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")

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
        let end = line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
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

// MARK: Text

extension SourceFile {
    /// Why the bytes are not a program's text, at the first offending byte: a NUL byte, or a byte that
    /// is not part of well-formed UTF-8. Nil for text.
    public var textProblem: Diagnostic? {
        guard let offset = SourceFile.firstNonTextByte(bytes) else { return nil }
        let b = bytes[offset]
        let at = location(ofOffset: offset)
        let rule = "(source files must be UTF-8 text)"
        if b == 0 { return Diagnostic("NUL byte in source \(rule)", at: at) }
        let utf16 = offset == 0 && (bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]))
        return Diagnostic("invalid UTF-8: byte \(hexByte(b))\(utf16 ? "; the file looks like UTF-16" : "") \(rule)", at: at)
    }

    /// The offset of the first NUL byte or byte outside well-formed UTF-8, if any.
    static func firstNonTextByte(_ bytes: [UInt8]) -> Int? {
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0 { return i }
            if bytes[i] < 0x80 {
                i += 1
                continue
            }
            guard let length = sequenceLength(bytes, at: i) else { return i }
            i += length
        }
        return nil
    }

    /// The length of the well-formed UTF-8 sequence that starts at `i` (Unicode's table 3-7: no
    /// overlong forms, no surrogates, nothing past U+10FFFF), or nil if there is none.
    static func sequenceLength(_ bytes: [UInt8], at i: Int) -> Int? {
        let length: Int, second: ClosedRange<UInt8>
        switch bytes[i] {
        case 0xC2...0xDF: (length, second) = (2, 0x80...0xBF)
        case 0xE0: (length, second) = (3, 0xA0...0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: (length, second) = (3, 0x80...0xBF)
        case 0xED: (length, second) = (3, 0x80...0x9F)
        case 0xF0: (length, second) = (4, 0x90...0xBF)
        case 0xF1...0xF3: (length, second) = (4, 0x80...0xBF)
        case 0xF4: (length, second) = (4, 0x80...0x8F)
        default: return nil
        }
        guard i + length <= bytes.count, second.contains(bytes[i + 1]) else { return nil }
        for k in 2..<length where bytes[i + k] & 0xC0 != 0x80 { return nil }
        return length
    }
}

/// A byte as messages show it: `0x0A`, `0xFF`.
func hexByte(_ b: UInt8) -> String {
    let digits = String(b, radix: 16, uppercase: true)
    return "0x" + (digits.count == 1 ? "0" : "") + digits
}
