import Testing
import RASPTestSupport
@testable import RASPReport

@Suite struct MarkupTests {
    @Test func escapesTextAndAttributesIntoWellFormedXML() {
        var svg = Markup("svg", [("xmlns", "http://www.w3.org/2000/svg"), ("data-label", "a \"b\" <c> & d\nnext")])
        svg.append(Markup("text", [("class", "label")], text: "x < y && z > \u{1}w"))
        let check = XMLCheck(svg.document)
        #expect(check.isWellFormed, "\(check.error ?? "")")
        #expect(check.count("text") == 1 && check.count(class: "label") == 1)
        #expect(check.text.contains("x < y && z > \u{FFFD}w"))
    }

    @Test func numbersHaveAtMostTwoDecimals() {
        #expect(Markup.number(12) == "12")
        #expect(Markup.number(3.5) == "3.5")
        #expect(Markup.number(-0.254) == "-0.25")
        #expect(Markup.number(-0.001) == "0")
        #expect(Markup.number(.nan) == "0")
    }

    @Test func pagesAreSelfContainedXHTML() {
        let page = HTMLPage(title: "t & u", body: [Markup("p", text: "hello")])
        let check = XMLCheck(page.text)
        #expect(check.isWellFormed, "\(check.error ?? "")")
        #expect(check.count("script") == 0 && check.count("link") == 0)
        #expect(page.text.hasPrefix("<!DOCTYPE html>\n<html"))
    }
}
