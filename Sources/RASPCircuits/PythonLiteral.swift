import RASPLanguage

/// Python literals as ACDC prints its edges (tuples, lists, strings, `None`, `True`, `False`, numbers,
/// an `OrderedDict(...)` or `TorchIndex(...)` wrapper) turned into JSON text: tuples become arrays,
/// trailing commas go, other names are refused (nil).
enum PythonLiteral {
    static func json(_ text: String) -> String? {
        var out = ""
        var chars = Array(text.unicodeScalars)[...]
        var wrappers: [Bool] = []  // per open bracket: whether it was a wrapper call's parenthesis
        while let c = chars.first {
            switch c {
            case " ", "\t", "\n", "\r": chars.removeFirst()
            case "(", "[":
                chars.removeFirst()
                wrappers.append(false)
                out += "["
            case ")", "]":
                chars.removeFirst()
                guard let wrapper = wrappers.popLast() else { return nil }
                if out.hasSuffix(",") { out.removeLast() }
                if !wrapper { out += "]" }
            case ",", ":":
                chars.removeFirst()
                out.unicodeScalars.append(c == ":" ? "," : c)
            case "'", "\"":
                guard let s = string(&chars) else { return nil }
                out += s
            default:
                guard let word = word(&chars, &wrappers) else { return nil }
                out += word
            }
        }
        return wrappers.isEmpty ? out : nil
    }

    /// A quoted string as a JSON string.
    static func string(_ chars: inout ArraySlice<Unicode.Scalar>) -> String? {
        let quote = chars.removeFirst()
        var value = ""
        while let c = chars.first {
            chars.removeFirst()
            if c == quote { return JSON.string(value).compact() }
            if c == "\\" {
                guard let next = chars.first else { return nil }
                chars.removeFirst()
                value.unicodeScalars.append(next == "n" ? "\n" : next)
            } else {
                value.unicodeScalars.append(c)
            }
        }
        return nil
    }

    /// A name or a number; a wrapper call (`OrderedDict(`, `TorchIndex(`) opens a bracket that leaves
    /// no trace.
    static func word(_ chars: inout ArraySlice<Unicode.Scalar>, _ wrappers: inout [Bool]) -> String? {
        var w = ""
        while let c = chars.first, c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "_" || c == "-" || c == "." || c == "+" {
            w.unicodeScalars.append(c)
            chars.removeFirst()
        }
        switch w {
        case "None": return "null"
        case "True": return "true"
        case "False": return "false"
        case "OrderedDict", "TorchIndex", "dict", "list", "tuple":
            guard chars.first == "(" else { return nil }
            chars.removeFirst()
            wrappers.append(true)
            return ""
        default:
            return Double(w) != nil ? w : nil
        }
    }
}
