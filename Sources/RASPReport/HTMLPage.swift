/// A self-contained page: inline CSS and SVG, no scripts and nothing fetched from elsewhere. Written
/// as XHTML (every element closed, text escaped), so it opens in a browser and parses as XML.
public struct HTMLPage: Sendable {
    public var title: String
    public var body: [Markup]
    /// Page-specific CSS, after the shared rules.
    public var style: String

    public init(title: String, body: [Markup], style: String = "") {
        self.title = title
        self.body = body
        self.style = style
    }

    /// The shared rules: a readable column, tables with rules between rows, figures side by side.
    public static let baseStyle = """
    body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto; max-width: 1200px; color: #222; padding: 0 1em; }
    h1, h2, h3 { font-weight: 600; }
    table { border-collapse: collapse; margin: 1em 0; font-size: 14px; }
    th, td { padding: 3px 8px; border-bottom: 1px solid #ddd; text-align: right; }
    th { background: #f4f4f4; }
    td.name, th.name { text-align: left; }
    .pass { color: #1a7f37; } .fail { color: #c62828; font-weight: 600; }
    .figures { display: flex; flex-wrap: wrap; gap: 1em; align-items: flex-start; }
    figure { margin: 0; } figcaption { font-size: 13px; color: #555; }
    pre { background: #f6f8fa; padding: 0.6em; overflow-x: auto; font-size: 13px; }
    """

    public var text: String {
        let head = Markup("head", [], [
            Markup("meta", [("charset", "utf-8")]),
            Markup("title", text: title),
            Markup("style", text: HTMLPage.baseStyle + (style.isEmpty ? "" : "\n" + style)),
        ])
        let html = Markup("html", [("xmlns", "http://www.w3.org/1999/xhtml"), ("lang", "en")], [head, Markup("body", [], body)])
        return "<!DOCTYPE html>\n" + html.rendered()
    }
}
