import Foundation
import RASPLanguage

/// Where a command writes and reads: the process's stdout, stderr and stdin, or buffers in tests.
///
/// A failed write to stdout (a full disk, a closed pipe) is remembered: the command stops writing and
/// the command line reports it and exits 1.
public final class Console: @unchecked Sendable {
    private let writeOut: (String) -> Bool
    private let writeErr: (String) -> Void
    private let readIn: (Int) -> [UInt8]
    public let workingDirectory: String
    /// Why writing to stdout failed, once it has.
    public private(set) var outputFailure: String?
    /// Whether stderr is a terminal, where progress is one line rewritten in place.
    public let errIsTerminal: Bool
    /// A progress line is on the terminal and must be cleared before other text.
    private var progressShowing = false
    /// Progress may come from worker threads (`compare` runs ablations side by side).
    private let progressLock = NSLock()

    /// `out` returns false when the text could not be written; `stdin` returns up to the given number
    /// of bytes, none at the end of the input.
    public init(out: @escaping (String) -> Bool, err: @escaping (String) -> Void, stdin: @escaping (Int) -> [UInt8],
                workingDirectory: String, errIsTerminal: Bool = false) {
        self.writeOut = out
        self.writeErr = err
        self.readIn = stdin
        self.workingDirectory = workingDirectory
        self.errIsTerminal = errIsTerminal
    }

    /// The process's own streams.
    public static func standard() -> Console {
        Console(
            out: { s in FileSystem.writeAll(1, Array(s.utf8)) },
            err: { s in _ = FileSystem.writeAll(2, Array(s.utf8)) },
            stdin: { n in Console.read(0, upTo: n) },
            workingDirectory: FileManager.default.currentDirectoryPath, errIsTerminal: isatty(2) == 1)
    }

    /// Up to `count` bytes from a file descriptor; none at its end or on an error.
    static func read(_ fd: Int32, upTo count: Int) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        while true {
            let n = buffer.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress!, count) }
            if n < 0, errno == EINTR { continue }
            return n > 0 ? Array(buffer[0..<n]) : []
        }
    }

    /// A console whose stdout is this one's stderr: human-readable text beside a `--json` answer.
    func humanOnStderr() -> Console {
        Console(out: { [self] s in err(s); return true }, err: { [self] s in err(s) }, stdin: { [self] n in stdin(upTo: n) },
                workingDirectory: workingDirectory, errIsTerminal: errIsTerminal)
    }

    public func out(_ s: String) {
        guard outputFailure == nil else { return }
        clearProgress()
        if !writeOut(s) { outputFailure = FileSystem.systemReason() }
    }
    public func line(_ s: String) { out(s + "\n") }
    public func err(_ s: String) {
        clearProgress()
        writeErr(s)
    }
    public func errLine(_ s: String) { err(s + "\n") }

    /// Progress on stderr: on a terminal one line rewritten in place (cleared before any other text);
    /// elsewhere only lines marked `permanent` are written, one line each.
    public func progress(_ s: String, permanent: Bool) {
        progressLock.lock()
        defer { progressLock.unlock() }
        if errIsTerminal {
            writeErr("\r\u{1B}[2K" + s)
            progressShowing = true
        } else if permanent {
            writeErr(s + "\n")
        }
    }

    /// Removes the progress line from the terminal.
    public func clearProgress() {
        progressLock.lock()
        defer { progressLock.unlock() }
        guard progressShowing else { return }
        progressShowing = false
        writeErr("\r\u{1B}[2K")
    }
    /// Up to `count` bytes of stdin; none at its end.
    public func stdin(upTo count: Int) -> [UInt8] { readIn(count) }

    /// Writes `text` to the file `path`, or to stdout when there is none; false (with an error) if the
    /// file cannot be written.
    func emit(_ text: String, to path: String?, command: String) -> Bool {
        guard let path else {
            out(text)
            return true
        }
        return write(text, to: path, command: command)
    }

    /// Writes a file named on the command line, reporting why it failed.
    func write(_ text: String, to path: String, command: String) -> Bool {
        write(bytes: Array(text.utf8), to: path, command: command)
    }

    func write(bytes: [UInt8], to path: String, command: String) -> Bool {
        do throws(FileSystem.WriteError) {
            try FileSystem.write(bytes: bytes, to: resolve(path))
            return true
        } catch {
            errLine("rasp \(command): error: cannot write '\(path)': \(error.reason)")
            return false
        }
    }

    /// A path relative to the working directory made absolute (paths stay as given when printed).
    public func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : workingDirectory + "/" + path
    }
}

/// A console that records everything, for in-process tests of the command line.
public final class CapturedConsole: @unchecked Sendable {
    public private(set) var stdout = ""
    public private(set) var stderr = ""
    public var stdin = ""
    /// Makes every write to stdout fail as on a full disk, for tests of write errors.
    public var outputFails = false
    private var consumed = 0
    private var bytes: [UInt8]?
    public let console: Console

    public init(stdin: String = "", workingDirectory: String) {
        weak var box: CapturedConsole? = nil
        self.stdin = stdin
        console = Console(out: { text in
            guard let box, !box.outputFails else { errno = ENOSPC; return false }
            box.stdout += text
            return true
        }, err: { box?.stderr += $0 }, stdin: { box?.takeInput($0) ?? [] },
                          workingDirectory: workingDirectory)
        box = self
    }

    /// The next `count` bytes of `stdin` not yet read.
    func takeInput(_ count: Int) -> [UInt8] {
        if bytes == nil { bytes = Array(stdin.utf8) }
        let bytes = self.bytes!
        let end = min(bytes.count, consumed + count)
        defer { consumed = end }
        return Array(bytes[consumed..<end])
    }
}
