/// How paths named on the command line are resolved. A program's golden directory is `golden/`
/// beside the directory that holds the program (`programs/reverse.rasp` -> `golden/reverse.json`),
/// found from the program's absolute, normalized path, so it is the same however the program is
/// spelled (`reverse.rasp` inside `programs/`, `programs//reverse.rasp`, `./programs/../programs/x`).
enum ProgramPaths {
    /// `path` made absolute against the working directory, without `//`, `.` or `..` components.
    static func normalized(_ path: String, console: Console) -> String {
        var parts: [Substring] = []
        for part in console.resolve(path).split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    /// The directory holding a path ("/" for a path at the root).
    static func parent(_ absolute: String) -> String {
        guard let slash = absolute.lastIndex(of: "/"), slash != absolute.startIndex else { return "/" }
        return String(absolute[..<slash])
    }

    /// The golden directory of `program` (a path as given), or `override` (from `--golden-dir`).
    static func goldenDirectory(for program: String, override: String?, console: Console) -> String {
        if let override { return shown(normalized(override, console: console), console: console) }
        let directory = parent(parent(normalized(program, console: console)))
        return shown((directory == "/" ? "" : directory) + "/golden", console: console)
    }

    /// How an absolute path is printed: relative to the working directory when inside it.
    static func shown(_ absolute: String, console: Console) -> String {
        let base = normalized(".", console: console)
        if base == "/" { return String(absolute.dropFirst()) }
        if absolute.hasPrefix(base + "/") { return String(absolute.dropFirst(base.count + 1)) }
        return absolute
    }
}
