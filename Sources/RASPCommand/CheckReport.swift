import Foundation
import RASPLanguage
import RASPReport
import RASPCore

/// How `rasp check` shows what it found: a table on stdout, the recovery figures, a JUnit file.
enum CheckReport {
    static func table(_ rows: [ProgramRow], console: Console) {
        let header = ProgramRow.header
        let lines = [header] + rows.flatMap(\.tableLines)
        let widths = header.indices.map { c in lines.map { $0[c].count }.max()! }
        for (i, line) in lines.enumerated() {
            console.line(line.enumerated().map { c, cell in
                c == 0 || c == 5 ? cell.padding(toLength: widths[c], withPad: " ", startingAt: 0) : String(repeating: " ", count: widths[c] - cell.count) + cell
            }.joined(separator: "  "))
            if i == 0 { console.line(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")) }
        }
        for r in rows where !r.passed {
            for f in r.failures { console.line("FAIL \(r.program): \(f)") }
        }
    }

    /// Per variant: how many runs the method's own circuit got exact, and the repaired one.
    static func recoverySummary(_ rows: [ProgramRow], method: String) -> [String] {
        var order: [String] = []
        var totals: [String: (own: Int, repaired: Int, runs: Int, auroc1: Int)] = [:]
        for v in rows.flatMap(\.variants) {
            if totals[v.variant] == nil { order.append(v.variant) }
            var t = totals[v.variant] ?? (0, 0, 0, 0)
            t.own += v.ownExact
            t.repaired += v.repairedExact
            t.runs += v.runs.count
            t.auroc1 += v.aurocs.filter { $0 == 1 }.count
            totals[v.variant] = t
        }
        return order.map { name in
            let t = totals[name]!
            return "\(method) on \(name): its own circuit exact in \(t.own) of \(counted(t.runs, "run")), edge AUROC 1.0 in \(t.auroc1); after --repair exact in \(t.repaired)"
        }
    }

    /// A JUnit XML report: one test case per program, with its failures.
    static func junit(_ rows: [ProgramRow], seconds: Double) -> String {
        func escape(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        let failures = rows.filter { !$0.passed }.count
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"rasp check\" tests=\"\(rows.count)\" failures=\"\(failures)\" time=\"\(String(format: "%.3f", seconds))\">\n"
        out += "  <testsuite name=\"rasp check\" tests=\"\(rows.count)\" failures=\"\(failures)\" errors=\"0\" time=\"\(String(format: "%.3f", seconds))\">\n"
        for r in rows {
            out += "    <testcase classname=\"rasp.check\" name=\"\(escape(r.program))\" time=\"\(String(format: "%.3f", r.seconds))\""
            if r.passed {
                out += "/>\n"
            } else {
                out += ">\n"
                for f in r.failures { out += "      <failure message=\"\(escape(f))\">\(escape(f))</failure>\n" }
                out += "    </testcase>\n"
            }
        }
        out += "  </testsuite>\n</testsuites>\n"
        return out
    }
}
