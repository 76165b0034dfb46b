import Foundation

/// An XML element (SVG or XHTML) as a tree, written with escaped text and attributes in the order
/// given, so the same tree gives the same bytes. Every picture and page `rasp` writes is built from it,
/// so each one parses as XML.
public struct Markup: Sendable, Equatable {
    public enum Node: Sendable, Equatable {
        case element(Markup)
        case text(String)
    }

    public var name: String
    public var attributes: [Attribute]
    public var children: [Node]

    public struct Attribute: Sendable, Equatable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public init(_ name: String, _ attributes: [(String, String)] = [], _ children: [Markup] = []) {
        self.name = name
        self.attributes = attributes.map { Attribute($0.0, $0.1) }
        self.children = children.map(Node.element)
    }

    /// An element holding only text.
    public init(_ name: String, _ attributes: [(String, String)] = [], text: String) {
        self.init(name, attributes)
        children = [.text(text)]
    }

    public mutating func append(_ child: Markup) { children.append(.element(child)) }
    public mutating func append(contentsOf list: [Markup]) { children += list.map(Node.element) }
    public mutating func append(text: String) { children.append(.text(text)) }

    /// The element written out: one element per line, indented by depth; elements with text stay on one line.
    public func rendered(indent: Int = 0) -> String {
        var out = ""
        write(to: &out, depth: indent)
        return out
    }

    /// A whole document: the XML declaration, then the element.
    public var document: String { "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + rendered() }

    private func write(to out: inout String, depth: Int) {
        let pad = String(repeating: "  ", count: depth)
        out += pad + "<" + name
        for a in attributes { out += " \(a.name)=\"\(Markup.escape(a.value, quotes: true))\"" }
        if children.isEmpty {
            out += "/>\n"
            return
        }
        let inline = children.allSatisfy { if case .text = $0 { return true } else { return false } }
        if inline {
            out += ">"
            for case .text(let t) in children { out += Markup.escape(t, quotes: false) }
            out += "</\(name)>\n"
            return
        }
        out += ">\n"
        for child in children {
            switch child {
            case .element(let e): e.write(to: &out, depth: depth + 1)
            case .text(let t): out += pad + "  " + Markup.escape(t, quotes: false) + "\n"
            }
        }
        out += pad + "</\(name)>\n"
    }

    /// `&`, `<`, `>` (and `"` in attributes) as entities; characters XML 1.0 forbids (control
    /// characters other than tab and newline) become U+FFFD, so any text gives a well-formed file.
    public static func escape(_ s: String, quotes: Bool) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where quotes: out += "&quot;"
            case "\n" where quotes: out += "&#10;"
            case "\t", "\n": out.unicodeScalars.append(scalar)
            default:
                let v = scalar.value
                let allowed = v >= 0x20 && !(0xFFFE...0xFFFF).contains(v) && v != 0x7F
                out.unicodeScalars.append(allowed ? scalar : "\u{FFFD}")
            }
        }
        return out
    }

    /// A coordinate or length with at most two decimals and no trailing zeros (`12`, `3.5`, `-0.25`):
    /// the same value gives the same text on every machine.
    public static func number(_ x: Double) -> String {
        guard x.isFinite else { return "0" }
        let hundredths = (x * 100).rounded()
        if hundredths == 0 { return "0" }
        var s = String(format: "%.2f", hundredths / 100)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }
}
