/// One message about a program: an error, or a note attached to one.
///
/// Every stage reports problems as diagnostics (the parser collects many; later stages throw one),
/// and `DiagnosticPrinter` renders them as `file:line:col: error: message` with the line and a caret.
public struct Diagnostic: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable { case error, note }

    public var severity: Severity
    public var message: String
    public var location: SourceLocation
    /// Further notes, each with its own location (for example where a name was first bound).
    public var notes: [Diagnostic]

    public init(_ message: String, at location: SourceLocation, severity: Severity = .error, notes: [Diagnostic] = []) {
        self.severity = severity
        self.message = message
        self.location = location
        self.notes = notes
    }

    public static func note(_ message: String, at location: SourceLocation) -> Diagnostic {
        Diagnostic(message, at: location, severity: .note)
    }

    public var description: String { "\(location): \(severity.rawValue): \(message)" }
}

/// Renders diagnostics in the compiler style:
///
///     programs/x.rasp:3:7: error: unknown name 'lenght'; did you mean 'length'?
///     opp = lenght - indices - 1;
///           ^
public struct DiagnosticPrinter: Sendable {
    public let source: SourceFile?
    public let path: String

    public init(source: SourceFile) {
        self.source = source
        self.path = source.path
    }

    public init(path: String) {
        self.source = nil
        self.path = path
    }

    public func render(_ diagnostic: Diagnostic) -> String {
        var out = ""
        render(diagnostic, into: &out)
        for note in diagnostic.notes { render(note, into: &out) }
        return out
    }

    public func render(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map(render).joined()
    }

    /// A source line with control characters other than tab (a NUL byte, say) shown as U+FFFD, one
    /// for one, so the terminal shows where they are and the caret still lines up.
    static func visible(_ line: String) -> String {
        var out = String.UnicodeScalarView()
        for ch in line.unicodeScalars {
            out.append(ch != "\t" && (ch.value < 0x20 || ch.value == 0x7F) ? "\u{FFFD}" : ch)
        }
        return String(out)
    }

    private func render(_ d: Diagnostic, into out: inout String) {
        if d.location.line > 0 {
            out += "\(path):\(d.location.line):\(d.location.column): \(d.severity.rawValue): \(d.message)\n"
            if let source {
                let line = DiagnosticPrinter.visible(source.lineText(d.location.line))
                out += line + "\n"
                // Reproduce tabs so the caret lines up under the offending column.
                var caret = ""
                for (i, ch) in line.unicodeScalars.enumerated() where i < d.location.column - 1 {
                    caret.append(ch == "\t" ? "\t" : " ")
                }
                out += caret + "^\n"
            }
        } else {
            out += "\(path): \(d.severity.rawValue): \(d.message)\n"
        }
    }
}

/// A count with its noun, singular for exactly one: `counted(1, "head")` is "1 head", `counted(3, "head")`
/// "3 heads", `counted(2, "s-op")` "2 s-ops".
public func counted(_ n: Int, _ singular: String, plural: String? = nil) -> String {
    "\(n) \(n == 1 ? singular : plural ?? singular + "s")"
}

/// An integer with thousands separators, for large counts in messages: 25,000,000.
public func grouped(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, d) in digits.enumerated() {
        if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(d)
    }
    return (n < 0 ? "-" : "") + out
}
