import Foundation
import RASPLanguage

/// Where a command writes and reads: the process's stdout, stderr and stdin, or buffers in tests.
public final class Console: @unchecked Sendable {
    private let writeOut: (String) -> Void
    private let writeErr: (String) -> Void
    private let readIn: () -> String
    public let workingDirectory: String

    public init(out: @escaping (String) -> Void, err: @escaping (String) -> Void, stdin: @escaping () -> String, workingDirectory: String) {
        self.writeOut = out
        self.writeErr = err
        self.readIn = stdin
        self.workingDirectory = workingDirectory
    }

    /// The process's own streams.
    public static func standard() -> Console {
        Console(
            out: { s in FileHandle.standardOutput.write(Data(s.utf8)) },
            err: { s in FileHandle.standardError.write(Data(s.utf8)) },
            stdin: { String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) },
            workingDirectory: FileManager.default.currentDirectoryPath)
    }

    public func out(_ s: String) { writeOut(s) }
    public func line(_ s: String) { writeOut(s + "\n") }
    public func err(_ s: String) { writeErr(s) }
    public func errLine(_ s: String) { writeErr(s + "\n") }
    public func stdin() -> String { readIn() }

    /// Writes `text` to the file `path`, or to stdout when there is none; false (with an error) if the
    /// file cannot be written.
    func emit(_ text: String, to path: String?, command: String) -> Bool {
        guard let path else {
            out(text)
            return true
        }
        if FileSystem.write(text, to: resolve(path)) { return true }
        errLine("rasp \(command): error: cannot write '\(path)'")
        return false
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
    public let console: Console

    public init(stdin: String = "", workingDirectory: String) {
        weak var box: CapturedConsole? = nil
        self.stdin = stdin
        console = Console(out: { box?.stdout += $0 }, err: { box?.stderr += $0 }, stdin: { box?.stdin ?? "" }, workingDirectory: workingDirectory)
        box = self
    }
}
