/// Our own argument parsing: positional arguments, `--option value` / `--option=value`, and flags.
///
/// Each command declares the options and flags it accepts; anything else is a usage error (exit 64).
public struct Arguments {
    public var positional: [String] = []
    public var options: [String: String] = [:]
    public var flags: Set<String> = []

    /// A command line the command cannot act on: bad arguments (exit 64, with the usage line), or a
    /// file it names that cannot be read (exit 1, like every other missing or unreadable file).
    public struct UsageError: Error, Equatable {
        public var message: String
        public var isMissingFile = false

        public init(message: String) { self.message = message }

        public static func cannotRead(_ message: String) -> UsageError {
            var e = UsageError(message: message)
            e.isMissingFile = true
            return e
        }
    }

    /// Parses `args` given the options that take a value and the flags that do not (names without `--`).
    /// `-o` is accepted as the short form of `--output`.
    public init(_ args: [String], options allowed: Set<String>, flags allowedFlags: Set<String>) throws(UsageError) {
        var i = 0
        var onlyPositional = false
        while i < args.count {
            let a = args[i]
            i += 1
            if onlyPositional || a == "-" || !a.hasPrefix("-") {
                positional.append(a)
                continue
            }
            if a == "--" { onlyPositional = true; continue }
            var name: String
            var inlineValue: String? = nil
            if a == "-o" {
                name = "output"
            } else if a.hasPrefix("--") {
                name = String(a.dropFirst(2))
                if let eq = name.firstIndex(of: "=") {
                    inlineValue = String(name[name.index(after: eq)...])
                    name = String(name[..<eq])
                }
            } else {
                throw UsageError(message: "unknown option '\(a)'")
            }
            if allowedFlags.contains(name) {
                if inlineValue != nil { throw UsageError(message: "option '--\(name)' takes no value") }
                flags.insert(name)
            } else if allowed.contains(name) {
                if options[name] != nil { throw UsageError(message: "option '--\(name)' is given twice") }
                if let inlineValue {
                    options[name] = inlineValue
                } else {
                    guard i < args.count else { throw UsageError(message: "option '--\(name)' needs a value") }
                    options[name] = args[i]
                    i += 1
                }
            } else {
                let known = (allowed.map { "--\($0)" } + allowedFlags.map { "--\($0)" }).sorted()
                throw UsageError(message: "unknown option '--\(name)'" + (known.isEmpty ? "" : " (this command takes \(known.joined(separator: ", ")))"))
            }
        }
    }

    public func has(_ flag: String) -> Bool { flags.contains(flag) }

    public func integer(_ name: String, default value: Int, range: ClosedRange<Int>) throws(UsageError) -> Int {
        guard let text = options[name] else { return value }
        guard let n = Int(text), range.contains(n) else {
            throw UsageError(message: "--\(name) needs an integer from \(range.lowerBound) to \(range.upperBound), got '\(text)'")
        }
        return n
    }

    public func number(_ name: String, default value: Double, range: ClosedRange<Double>) throws(UsageError) -> Double {
        guard let text = options[name] else { return value }
        guard let n = Double(text), n.isFinite, range.contains(n) else {
            throw UsageError(message: "--\(name) needs a number from \(range.lowerBound) to \(range.upperBound), got '\(text)'")
        }
        return n
    }

    public func choice(_ name: String, default value: String, among choices: [String]) throws(UsageError) -> String {
        guard let text = options[name] else { return value }
        guard choices.contains(text) else {
            throw UsageError(message: "--\(name) must be one of \(choices.joined(separator: ", ")), got '\(text)'")
        }
        return text
    }

    /// Exactly one positional argument: the program file.
    public func programPath(_ command: String) throws(UsageError) -> String {
        guard positional.count == 1 else {
            throw UsageError(message: positional.isEmpty ? "\(command) needs a program file" : "\(command) takes one program file, got \(positional.count) arguments")
        }
        return positional[0]
    }
}
