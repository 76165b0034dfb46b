import Foundation

/// The few file operations the tool needs, with failures as nil/false rather than exceptions.
public enum FileSystem {
    /// Largest file the tool reads (programs, inputs, circuits); larger ones are refused.
    public static let maximumFileSize = 256 * 1024 * 1024

    public static func readBytes(_ path: String) -> [UInt8]? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { return nil }
        if let attributes = try? FileManager.default.attributesOfItem(atPath: path),
           let size = attributes[.size] as? NSNumber, size.intValue > maximumFileSize { return nil }
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return [UInt8](data)
    }

    public static func readText(_ path: String) -> String? {
        readBytes(path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Why a file could not be written: the path as given and the system's reason.
    public struct WriteError: Error, Sendable, Equatable, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "cannot write '\(path)': \(reason)" }
    }

    public static func write(_ text: String, to path: String) throws(WriteError) {
        try write(bytes: Array(text.utf8), to: path)
    }

    /// Writes `bytes` to `path`, creating its directory when missing; every failure (a missing
    /// permission, a full disk, a short write, a failing close) is reported, never ignored.
    public static func write(bytes: [UInt8], to path: String) throws(WriteError) {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !isDirectory(directory) {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw WriteError(path: path, reason: "cannot create its directory '\(directory)'" + (exists(directory) ? ": a file is in the way" : ""))
            }
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw WriteError(path: path, reason: systemReason()) }
        let written = writeAll(fd, bytes)
        let writeReason = written ? nil : systemReason()
        let closed = close(fd) == 0
        if let writeReason { throw WriteError(path: path, reason: writeReason) }
        if !closed { throw WriteError(path: path, reason: systemReason()) }
    }

    /// Writes every byte to a file descriptor, retrying short writes and interruptions; false on error.
    public static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { return false }
                offset += n
            }
            return true
        }
    }

    /// The system's message for the current `errno` ("No space left on device").
    public static func systemReason() -> String { String(cString: strerror(errno)) }

    public static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    public static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    /// The `.rasp` files directly inside a directory, sorted by name.
    public static func programs(in directory: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let base = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        return names.filter { $0.hasSuffix(".rasp") }.sorted().map { "\(base)/\($0)" }
    }
}
