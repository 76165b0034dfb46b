import RASPLanguage

/// What `rasp check` expects of circuit recovery, checked into `golden/recovery.json`: for every
/// program, model variant and ablation, the seeds tried and those whose method's own circuit (and whose
/// repaired circuit) was exact. A run that was exact and no longer is, is a regression; one that
/// becomes exact is an improvement, reported so the record can be brought up to date.
public struct RecoveryRecord: Sendable, Equatable {
    public static let format = "rasp-recovery/1"

    /// One program, variant and ablation.
    public struct Entry: Sendable, Equatable {
        public var tried: Set<Int> = []
        public var exact: Set<Int> = []
        public var repairedExact: Set<Int> = []

        public init() {}
    }

    /// The outcome of one run of a method.
    public struct Run: Sendable, Equatable {
        public var program: String
        public var variant: String
        public var ablation: String
        public var seed: Int
        public var exact: Bool
        public var repairedExact: Bool

        public init(program: String, variant: String, ablation: String, seed: Int, exact: Bool, repairedExact: Bool) {
            self.program = program
            self.variant = variant
            self.ablation = ablation
            self.seed = seed
            self.exact = exact
            self.repairedExact = repairedExact
        }

        var key: String { "\(program)/\(variant)/\(ablation)" }
        var name: String { "\(program) \(variant) \(ablation) seed \(seed)" }
    }

    public var method: String
    /// Keyed by `program/variant/ablation`.
    public var entries: [String: Entry]

    public init(method: String, entries: [String: Entry] = [:]) {
        self.method = method
        self.entries = entries
    }

    /// The record with `runs` written over what it held for the same program, variant, ablation and seed.
    public func recording(_ runs: [Run]) -> RecoveryRecord {
        var out = self
        for run in runs {
            var entry = out.entries[run.key] ?? Entry()
            entry.tried.insert(run.seed)
            if run.exact { entry.exact.insert(run.seed) } else { entry.exact.remove(run.seed) }
            if run.repairedExact { entry.repairedExact.insert(run.seed) } else { entry.repairedExact.remove(run.seed) }
            out.entries[run.key] = entry
        }
        return out
    }

    /// How runs compare with the record.
    public struct Comparison: Sendable, Equatable {
        public var regressions: [String] = []
        public var improvements: [String] = []
        /// Runs the record says nothing about.
        public var unrecorded: [String] = []

        public var matches: Bool { regressions.isEmpty && improvements.isEmpty && unrecorded.isEmpty }
    }

    public func compare(_ runs: [Run]) -> Comparison {
        var c = Comparison()
        for run in runs {
            guard let entry = entries[run.key], entry.tried.contains(run.seed) else {
                c.unrecorded.append(run.name)
                continue
            }
            let was = entry.exact.contains(run.seed), wasRepaired = entry.repairedExact.contains(run.seed)
            if was && !run.exact { c.regressions.append("\(run.name): the method's own circuit is no longer exact") }
            if !was && run.exact { c.improvements.append("\(run.name): the method's own circuit is now exact") }
            if wasRepaired && !run.repairedExact { c.regressions.append("\(run.name): the repaired circuit is no longer exact") }
            if !wasRepaired && run.repairedExact { c.improvements.append("\(run.name): the repaired circuit is now exact") }
        }
        return c
    }

    // MARK: File

    public var text: String {
        var programs: [String: JSON] = [:]
        for (key, entry) in entries {
            let parts = key.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3 else { continue }
            var byVariant = programs[parts[0]]?.objectValue ?? [:]
            var byAblation = byVariant[parts[1]]?.objectValue ?? [:]
            func list(_ s: Set<Int>) -> JSON { .array(s.sorted().map { .int($0) }) }
            byAblation[parts[2]] = .object(["tried": list(entry.tried), "exact": list(entry.exact), "repaired_exact": list(entry.repairedExact)])
            byVariant[parts[1]] = .object(byAblation)
            programs[parts[0]] = .object(byVariant)
        }
        return JSON.object(["format": .string(RecoveryRecord.format), "method": .string(method), "programs": .object(programs)]).pretty()
    }

    public struct FormatError: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    public static func parse(_ text: String) throws(FormatError) -> RecoveryRecord {
        let json: JSON
        do throws(JSON.ParseError) { json = try JSON.parse(text) } catch { throw FormatError(message: "not valid JSON (\(error))") }
        guard json["format"]?.stringValue == format else { throw FormatError(message: "expected \"format\": \"\(format)\"") }
        guard let method = json["method"]?.stringValue, let programs = json["programs"]?.objectValue else {
            throw FormatError(message: "expected \"method\" (a string) and \"programs\" (an object)")
        }
        var record = RecoveryRecord(method: method)
        for (program, variants) in programs {
            for (variant, ablations) in variants.objectValue ?? [:] {
                for (ablation, e) in ablations.objectValue ?? [:] {
                    func seeds(_ name: String) throws(FormatError) -> Set<Int> {
                        guard let a = e[name]?.arrayValue, a.allSatisfy({ $0.intValue != nil }) else {
                            throw FormatError(message: "\(program) \(variant) \(ablation): \"\(name)\" must be a list of seeds")
                        }
                        return Set(a.compactMap(\.intValue))
                    }
                    var entry = Entry()
                    entry.tried = try seeds("tried")
                    entry.exact = try seeds("exact")
                    entry.repairedExact = try seeds("repaired_exact")
                    record.entries["\(program)/\(variant)/\(ablation)"] = entry
                }
            }
        }
        return record
    }
}
