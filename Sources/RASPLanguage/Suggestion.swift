/// Longest misspelt name (in characters) for which a "did you mean" is looked for.
public let maximumSuggestedNameLength = 32

/// Suggests the closest of `candidates` to a misspelt `name`, if one is within `name.count / 3` edits
/// (at least 1); ties go to the first in sorted order. Names longer than `maximumSuggestedNameLength`
/// get no suggestion.
///
/// Cost per candidate: O(1) when its UTF-8 length rules it out; else O(length + 128) for two lower
/// bounds (the length difference, and the bag distance over 128 buckets of scalars); else the banded
/// `editDistance`, with a growing limit (1, 2, 4, ... edits), so a close match is found after a few
/// cells per candidate and no candidate costs more than 32 x 21 cells per round.
public func closestName<S: Sequence<String>>(to name: String, among candidates: S) -> String? {
    guard name.utf8.count <= 4 * maximumSuggestedNameLength, name.count <= maximumSuggestedNameLength else { return nil }
    var matcher = NameMatcher(name.unicodeScalars.map(\.value))
    let limit = max(1, name.count / 3)
    var near: [(name: String, scalars: [UInt32])] = []
    for candidate in candidates where candidate.utf8.count <= 4 * (matcher.x.count + limit) && candidate != name {
        if matcher.lowerBound(candidate.unicodeScalars) <= limit { near.append((candidate, candidate.unicodeScalars.map(\.value))) }
    }
    var bound = 1
    while true {
        bound = min(bound, limit)
        var best: (name: String, distance: Int)? = nil
        for (candidate, y) in near {
            guard let d = matcher.distance(y, limit: best?.distance ?? bound) else { continue }
            if let b = best, d == b.distance, !(candidate < b.name) { continue }
            best = (candidate, d)
        }
        if best != nil || bound == limit { return best?.name }
        bound *= 2
    }
}

/// Distances from one name (as scalars) to candidates, reusing its buffers.
struct NameMatcher {
    let x: [UInt32]
    /// Scalars of `x` per bucket (scalar % 128).
    private var histogram: [Int]
    private var rows: [Int] = []

    init(_ x: [UInt32]) {
        self.x = x
        var h = [Int](repeating: 0, count: 128)
        for c in x { h[Int(c % 128)] += 1 }
        histogram = h
    }

    /// A lower bound of the edit distance to `y`, in O(y): the length difference, and the bag distance
    /// (each edit changes by at most one how many scalars either side has beyond the other's; merging
    /// scalars into buckets only lowers those surpluses).
    mutating func lowerBound(_ y: String.UnicodeScalarView) -> Int {
        var count = 0, beyond = 0
        for c in y {
            let b = Int(c.value % 128)
            histogram[b] -= 1
            if histogram[b] < 0 { beyond += 1 }
            count += 1
        }
        for c in y { histogram[Int(c.value % 128)] += 1 }
        let shared = count - beyond
        return max(beyond, x.count - shared, abs(x.count - count))
    }

    /// `editDistance(x, y, limit:)` in this matcher's buffers.
    mutating func distance(_ y: [UInt32], limit: Int) -> Int? {
        let width = y.count + 1
        if rows.count < 3 * width { rows = [Int](repeating: 0, count: 3 * width) }
        return rows.withUnsafeMutableBufferPointer { editDistance(x, y, limit: limit, rows: $0) }
    }
}

/// Levenshtein distance with transpositions counted as one edit (optimal string alignment), or nil
/// when it exceeds `limit`. Only cells within `limit` of the diagonal are computed (a path leaving the
/// band costs more than `limit`), and it stops at a row whose cells all exceed the limit: O(min(x, y) *
/// limit) time. `rows` holds three rows of y.count + 1 cells (two back, previous, current).
func editDistance(_ x: [UInt32], _ y: [UInt32], limit: Int, rows: UnsafeMutableBufferPointer<Int>) -> Int? {
    guard abs(x.count - y.count) <= limit else { return nil }
    if x.isEmpty || y.isEmpty { return max(x.count, y.count) }
    let far = limit + 1, width = y.count + 1
    for j in 0..<(3 * width) { rows[j] = far }
    for j in 0...min(y.count, limit) { rows[width + j] = j }
    var (back, prev, cur) = (0, width, 2 * width)
    for i in 1...x.count {
        let lo = max(1, i - limit), hi = min(y.count, i + limit)
        if lo > 1 { rows[cur + lo - 1] = far }
        rows[cur] = i <= limit ? i : far
        var rowMinimum = rows[cur]
        if lo <= hi {
            for j in lo...hi {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                var v = min(rows[prev + j] + 1, rows[cur + j - 1] + 1, rows[prev + j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] { v = min(v, rows[back + j - 2] + 1) }
                rows[cur + j] = min(v, far)
                rowMinimum = min(rowMinimum, rows[cur + j])
            }
        }
        if hi < y.count { rows[cur + hi + 1] = far }
        if rowMinimum > limit { return nil }
        (back, prev, cur) = (prev, cur, back)
    }
    return rows[prev + y.count] <= limit ? rows[prev + y.count] : nil
}

/// `editDistance` without a limit (for tests and callers with two strings).
func editDistance(_ a: String, _ b: String) -> Int {
    let x = a.unicodeScalars.map(\.value), y = b.unicodeScalars.map(\.value)
    var rows = [Int](repeating: 0, count: 3 * (y.count + 1))
    return rows.withUnsafeMutableBufferPointer { editDistance(x, y, limit: max(x.count, y.count), rows: $0)! }
}
