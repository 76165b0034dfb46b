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

    private func render(_ d: Diagnostic, into out: inout String) {
        if d.location.line > 0 {
            out += "\(path):\(d.location.line):\(d.location.column): \(d.severity.rawValue): \(d.message)\n"
            if let source {
                let line = source.lineText(d.location.line)
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
