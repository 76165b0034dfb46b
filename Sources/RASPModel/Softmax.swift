/// Replaces `row[0..<count]` by its softmax, `exp(x_i - max) / sum_j exp(x_j - max)` (subtracting the
/// maximum keeps every exponent at most 0). Compiled logits take few distinct values (0, coldness / 2,
/// coldness), so an argument equal to the previous one reuses its exponential.
@inline(__always)
func softmaxInPlace(_ row: UnsafeMutablePointer<Double>, _ count: Int) {
    var maximum = -Double.infinity
    for k in 0..<count where row[k] > maximum { maximum = row[k] }
    var total = 0.0
    var lastDifference = 0.0, lastExp = 1.0
    for k in 0..<count {
        let difference = row[k] - maximum
        let e: Double
        if difference == lastDifference {
            e = lastExp
        } else {
            e = _exp(difference)
            lastDifference = difference
            lastExp = e
        }
        row[k] = e
        total += e
    }
    let scale = 1 / total
    for k in 0..<count { row[k] *= scale }
}
