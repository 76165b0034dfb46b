import RASPCore

/// The inputs of a program: every token sequence of length 1 to `max_seq_len` over the vocab (with
/// pairwise-distinct tokens under `inputs distinct`), enumerated when few and sampled when many.
public struct InputSpace: Sendable {
    public let vocab: [Value]
    public let maxSeqLen: Int
    public let distinct: Bool

    public init(program: Program) {
        self.init(vocab: program.vocab, maxSeqLen: program.maxSeqLen, distinct: program.distinctInputs)
    }

    public init(vocab: [Value], maxSeqLen: Int, distinct: Bool) {
        self.vocab = vocab
        self.maxSeqLen = maxSeqLen
        self.distinct = distinct
    }

    /// The number of inputs of exactly `length` tokens, saturating at `Int.max`.
    public func count(length: Int) -> Int {
        let v = vocab.count
        var total = 1
        for i in 0..<length {
            let factor = distinct ? v - i : v
            if factor <= 0 { return 0 }
            let (r, o) = total.multipliedReportingOverflow(by: factor)
            if o { return Int.max }
            total = r
        }
        return total
    }

    /// The number of inputs of every length, saturating at `Int.max`.
    public var count: Int {
        var total = 0
        for n in 1...maxSeqLen {
            let (r, o) = total.addingReportingOverflow(count(length: n))
            if o { return Int.max }
            total = r
        }
        return total
    }

    /// Every input when there are at most `limit`; otherwise `limit` inputs: whole lengths from the
    /// shortest while they fit, then a seeded random sample of the rest, spread evenly over the
    /// remaining lengths. Sorted by length, then in enumeration order; deterministic for a seed.
    public func inputs(limit: Int, seed: UInt64 = 0) -> [[Value]] {
        var result: [[Value]] = []
        var remaining = limit
        var sampledLengths: [Int] = []
        for n in 1...maxSeqLen {
            let c = count(length: n)
            if sampledLengths.isEmpty, c <= remaining {
                result += all(length: n)
                remaining -= c
            } else if c > 0 {
                sampledLengths.append(n)
            }
        }
        guard !sampledLengths.isEmpty, remaining > 0 else { return result }
        var random = SplitMix64(seed: seed)
        for (i, n) in sampledLengths.enumerated() {
            let share = remaining / (sampledLengths.count - i)
            let available = count(length: n)
            let take = min(share, available)
            remaining -= take
            result += sample(length: n, count: take, random: &random)
        }
        return result
    }

    /// All inputs of one length, in lexicographic order of vocab positions.
    public func all(length n: Int) -> [[Value]] {
        var out: [[Value]] = []
        var digits = [Int](repeating: 0, count: n)
        let v = vocab.count
        while true {
            if !distinct || Set(digits).count == n { out.append(digits.map { vocab[$0] }) }
            var i = n - 1
            while i >= 0 {
                digits[i] += 1
                if digits[i] < v { break }
                digits[i] = 0
                i -= 1
            }
            if i < 0 { return out }
        }
    }

    private func sample(length n: Int, count: Int, random: inout SplitMix64) -> [[Value]] {
        var seen = Set<[Int]>()
        var out: [[Int]] = []
        var attempts = 0
        while out.count < count, attempts < count * 20 {
            attempts += 1
            var digits: [Int]
            if distinct {
                var pool = Array(0..<vocab.count)
                digits = []
                for _ in 0..<n {
                    let j = Int(random.next() % UInt64(pool.count))
                    digits.append(pool.remove(at: j))
                }
            } else {
                digits = (0..<n).map { _ in Int(random.next() % UInt64(vocab.count)) }
            }
            if seen.insert(digits).inserted { out.append(digits) }
        }
        return out.sorted { $0.lexicographicallyPrecedes($1) }.map { $0.map { vocab[$0] } }
    }
}
