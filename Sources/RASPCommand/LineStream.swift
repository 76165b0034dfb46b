import Foundation
import RASPLanguage

/// Lines read incrementally from a byte source (stdin or a file), so that each input is answered as
/// it arrives and memory stays bounded however long the stream is. Lines end at LF, CRLF or a lone
/// CR; a line longer than `maximumBytes` is skipped (its bytes are read and dropped) and reported as
/// too long, never held whole.
final class LineStream {
    enum Line: Equatable {
        case text(String)
        /// A line past the limit: how many bytes it had.
        case tooLong(Int)
    }

    /// Longest input line accepted (1 MB).
    static let maximumBytes = 1_000_000
    static let chunkSize = 65_536

    private let read: (Int) -> [UInt8]
    private var buffer: [UInt8] = []
    private var position = 0
    private var finished = false
    /// The previous line ended at a CR, so an LF right after it belongs to that line ending.
    private var afterCR = false
    let maximumBytes: Int

    /// `read(n)` returns up to `n` bytes, none at the end.
    init(maximumBytes: Int = LineStream.maximumBytes, read: @escaping (Int) -> [UInt8]) {
        self.maximumBytes = maximumBytes
        self.read = read
    }

    /// One line, from `--input`.
    static func single(_ text: String) -> LineStream {
        var bytes: [UInt8]? = Array(text.utf8) + [10]
        return LineStream { _ in defer { bytes = [] }; return bytes ?? [] }
    }

    /// The lines of a file, or nil when it cannot be opened.
    static func file(_ path: String) -> LineStream? {
        guard !FileSystem.isDirectory(path) else { return nil }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        var open = true
        return LineStream { n in
            guard open else { return [] }
            let bytes = Console.read(fd, upTo: n)
            if bytes.isEmpty { open = false; close(fd) }
            return bytes
        }
    }

    /// The next line, or nil at the end of the stream. A final line without a line ending counts.
    func next() -> Line? {
        var line: [UInt8] = []
        var length = 0
        while let byte = nextByte() {
            if afterCR {
                afterCR = false
                if byte == 10 { continue }
            }
            if byte == 10 || byte == 13 {
                afterCR = byte == 13
                return finish(line, length)
            }
            length += 1
            if length <= maximumBytes { line.append(byte) }
        }
        return length > 0 ? finish(line, length) : nil
    }

    private func finish(_ line: [UInt8], _ length: Int) -> Line {
        length > maximumBytes ? .tooLong(length) : .text(String(decoding: line, as: UTF8.self))
    }

    private func nextByte() -> UInt8? {
        if position == buffer.count {
            guard !finished else { return nil }
            buffer = read(LineStream.chunkSize)
            position = 0
            if buffer.isEmpty { finished = true; return nil }
        }
        defer { position += 1 }
        return buffer[position]
    }
}
