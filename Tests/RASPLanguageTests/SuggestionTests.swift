import Testing
import RASPCore
import RASPLanguage
import RASPTestSupport

/// "did you mean": the banded, bounded search against the plain one, and its limits.
@Suite struct SuggestionTests {
    /// Optimal string alignment distance, the whole table.
    static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        var d = [[Int]](repeating: [Int](repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in 0...x.count { d[i][0] = i }
        for j in 0...y.count { d[0][j] = j }
        for i in stride(from: 1, through: x.count, by: 1) {
            for j in stride(from: 1, through: y.count, by: 1) {
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[x.count][y.count]
    }

    /// The suggestion as it was computed before limits: every candidate, in sorted order.
    static func reference(_ name: String, _ candidates: [String]) -> String? {
        var best: (String, Int)? = nil
        for c in candidates.sorted() where c != name {
            let d = distance(name, c)
            if d <= max(1, name.count / 3), best == nil || d < best!.1 { best = (c, d) }
        }
        return best?.0
    }

    @Test func closestNameMatchesTheFullSearch() {
        var random = SplitMix64(seed: 11)
        func word(_ length: Int) -> String { String((0..<length).map { _ in "abé_"[random.next(below: 4)] }) }
        let candidates = (0..<200).map { _ in word(1 + random.next(below: 24)) }
        for _ in 0..<150 {
            var name = Array(candidates[random.next(below: candidates.count)])
            for _ in 0..<random.next(below: 5) {
                let i = random.next(below: name.count + 1)
                switch random.next(below: 3) {
                case 0: name.insert("ab".randomElement(using: &random), at: i)
                case 1: if i < name.count { name.remove(at: i) }
                default: if i + 1 < name.count { name.swapAt(i, i + 1) }
                }
            }
            let misspelt = String(name)
            #expect(closestName(to: misspelt, among: candidates) == SuggestionTests.reference(misspelt, candidates), "\(misspelt)")
        }
    }

    @Test func longNamesGetNoSuggestion() throws {
        let long = String(repeating: "a", count: 40_000)
        do {
            _ = try Repository.load(text: "vocab {1};\nmax_seq_len 3;\n\(long) = tokens + 1;\nout = \(long.dropLast())b + 1;\n")
            Issue.record("loaded")
        } catch {
            #expect(error.diagnostics.map(\.message) == ["unknown name '\(long.dropLast())b'"])
            #expect(error.diagnostics.first?.location == SourceLocation(line: 4, column: 7))
        }
        let name = String(repeating: "x", count: maximumSuggestedNameLength)
        #expect(closestName(to: name + "y", among: [name]) == nil)
        #expect(closestName(to: String(name.dropLast()) + "y", among: [name]) == name)
    }

    @Test func theFirstFiftyUnknownNamesGetSuggestions() throws {
        let body = (0..<60).map { "v\($0) = tokens + 1;\nw\($0) = u\($0) + 1;\n" }.joined()
        do {
            _ = try Repository.load(text: "vocab {1};\nmax_seq_len 3;\n\(body)")
            Issue.record("loaded")
        } catch {
            #expect(error.diagnostics.count == 60)
            #expect(error.diagnostics.prefix(50).allSatisfy { $0.message.hasSuffix("did you mean 'v\($0.message.dropFirst(15).prefix { $0 != "'" })'?") })
            #expect(error.diagnostics.dropFirst(50).allSatisfy { !$0.message.contains("did you mean") })
        }
    }
}

private extension String {
    subscript(_ i: Int) -> Character { self[index(startIndex, offsetBy: i)] }

    func randomElement(using random: inout SplitMix64) -> Character { self[random.next(below: count)] }
}
