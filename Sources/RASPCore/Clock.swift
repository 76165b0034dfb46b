import Foundation

/// Wall-clock timing for `bench`, `check` and the reports.
public enum Clock {
    public static func now() -> Double { Date().timeIntervalSince1970 }

    /// Seconds taken by `body`.
    public static func measure(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// The median time of `body` over enough repetitions to fill about `budget` seconds (at least 3).
    public static func median(budget: Double = 0.2, _ body: () throws -> Void) rethrows -> Double {
        var times: [Double] = []
        var total = 0.0
        while times.count < 3 || (total < budget && times.count < 1000) {
            let t = try measure(body)
            times.append(t)
            total += t
        }
        times.sort()
        return times[times.count / 2]
    }

    public static func format(_ seconds: Double) -> String {
        if seconds < 1e-3 { return String(format: "%.0f µs", seconds * 1e6) }
        if seconds < 1 { return String(format: "%.2f ms", seconds * 1e3) }
        return String(format: "%.2f s", seconds)
    }
}
