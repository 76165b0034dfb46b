import RASPLanguage

/// A program the compiler cannot build, with the source location of the s-op responsible.
public struct CompileError: Error, Sendable, Equatable {
    public var message: String
    public var location: SourceLocation

    public init(_ message: String, at location: SourceLocation) {
        self.message = message
        self.location = location
    }

    public var diagnostic: Diagnostic { Diagnostic(message, at: location) }
}
