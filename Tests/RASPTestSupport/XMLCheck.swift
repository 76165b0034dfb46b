import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Parses a file `rasp` wrote as XML (SVG, XHTML) and counts what it holds, so tests can say that it
/// is well formed and how many elements of each name and class it has.
public struct XMLCheck {
    public let error: String?
    /// Elements by name (`path`, `svg`, `tr`).
    public private(set) var names: [String: Int] = [:]
    /// Elements by each word of their `class` attribute.
    public private(set) var classes: [String: Int] = [:]
    /// The text of every element, joined by spaces.
    public private(set) var text = ""

    public init(_ document: String) {
        let delegate = Counter()
        let parser = XMLParser(data: Data(document.utf8))
        parser.delegate = delegate
        let ok = parser.parse()
        error = ok ? nil : (parser.parserError.map { "\($0)" } ?? "does not parse") + " at line \(parser.lineNumber)"
        names = delegate.names
        classes = delegate.classes
        text = delegate.text
    }

    public var isWellFormed: Bool { error == nil }

    public func count(_ name: String) -> Int { names[name] ?? 0 }
    public func count(class c: String) -> Int { classes[c] ?? 0 }

    private final class Counter: NSObject, XMLParserDelegate {
        var names: [String: Int] = [:]
        var classes: [String: Int] = [:]
        var text = ""

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            names[elementName, default: 0] += 1
            for c in (attributes["class"] ?? "").split(separator: " ") { classes[String(c), default: 0] += 1 }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
    }
}
