import Foundation
import Testing
import RASPLanguage
import RASPTestSupport

/// Bytes that are not UTF-8 text, and the one diagnostic each must get, at its first offending byte.
struct NotTextCase: CustomTestStringConvertible, Sendable {
    var name: String
    var bytes: [UInt8]
    var line: Int
    var column: Int
    var message: String

    init(_ name: String, _ bytes: [UInt8], _ line: Int, _ column: Int, _ message: String) {
        self.name = name
        self.bytes = bytes
        self.line = line
        self.column = column
        self.message = message
    }

    var testDescription: String { name }
}

@Suite struct SourceTextTests {
    static let header = Array("vocab {\"a\"};\nmax_seq_len 3;\n".utf8)
    static let rule = "(source files must be UTF-8 text)"

    static let notText: [NotTextCase] = [
        NotTextCase("byte_ff_in_comment", header + Array("x = tokens; # ".utf8) + [0xFF] + Array("\n".utf8),
                    3, 15, "invalid UTF-8: byte 0xFF \(rule)"),
        NotTextCase("latin1_in_string", header + Array("x = map(lambda t: \"caf".utf8) + [0xE9] + Array("\", tokens);\n".utf8),
                    3, 23, "invalid UTF-8: byte 0xE9 \(rule)"),
        NotTextCase("column_counts_characters", header + Array("x = map(lambda t: \"é→\", tokens); # ".utf8) + [0x80] + Array("\n".utf8),
                    3, 36, "invalid UTF-8: byte 0x80 \(rule)"),
        NotTextCase("truncated_at_end", header + Array("x = tokens; #".utf8) + [0xC3],
                    3, 14, "invalid UTF-8: byte 0xC3 \(rule)"),
        NotTextCase("overlong_slash", header + [0xC0, 0xAF], 3, 1, "invalid UTF-8: byte 0xC0 \(rule)"),
        NotTextCase("surrogate", header + Array("# ".utf8) + [0xED, 0xA0, 0x80], 3, 3, "invalid UTF-8: byte 0xED \(rule)"),
        NotTextCase("past_10FFFF", header + Array("# ".utf8) + [0xF4, 0x90, 0x80, 0x80], 3, 3, "invalid UTF-8: byte 0xF4 \(rule)"),
        NotTextCase("after_crlf_lines", Array("vocab {\"a\"};\r\nmax_seq_len 3;\r\n\r\nx = ".utf8) + [0xFE],
                    4, 5, "invalid UTF-8: byte 0xFE \(rule)"),
        NotTextCase("utf16_little_endian", [0xFF, 0xFE] + Array("v".utf8) + [0] + Array("o".utf8) + [0],
                    1, 1, "invalid UTF-8: byte 0xFF; the file looks like UTF-16 \(rule)"),
        NotTextCase("utf16_big_endian", [0xFE, 0xFF, 0, 0x76], 1, 1, "invalid UTF-8: byte 0xFE; the file looks like UTF-16 \(rule)"),
        NotTextCase("nul_byte", header + Array("x = tokens;".utf8) + [0] + Array("\n".utf8),
                    3, 12, "NUL byte in source \(rule)"),
        NotTextCase("nul_before_bad_byte", header + [0, 0xFF], 3, 1, "NUL byte in source \(rule)"),
    ]

    @Test(arguments: notText)
    func notTextGetsOneDiagnosticAtTheByte(_ c: NotTextCase) {
        do {
            _ = try Program.load(SourceFile(path: "\(c.name).rasp", data: c.bytes))
            Issue.record("\(c.name) loaded")
        } catch {
            #expect(error.diagnostics.count == 1, "\(error.diagnostics)")
            let d = error.diagnostics.first
            #expect(d?.location.line == c.line && d?.location.column == c.column, "at \(String(describing: d?.location))")
            #expect(d?.message == c.message)
        }
    }

    /// The diagnostics of a program, rendered as the commands print them.
    static func rendered(_ bytes: [UInt8]) -> String {
        let source = SourceFile(path: "p.rasp", data: bytes)
        do {
            _ = try Program.load(source)
            return "loaded"
        } catch {
            return DiagnosticPrinter(source: source).render(error.diagnostics)
        }
    }

    @Test func aLeadingByteOrderMarkIsSkipped() {
        let text = "x = tokes;\nvocab {\"a\"};\nmax_seq_len 3;\n"
        let expected = "p.rasp:1:5: error: unknown name 'tokes'; did you mean 'tokens'?\nx = tokes;\n    ^\n"
        #expect(SourceTextTests.rendered([0xEF, 0xBB, 0xBF] + Array(text.utf8)) == expected)
        #expect(SourceTextTests.rendered(Array(text.utf8)) == expected)
        let program = try? Program.load(SourceFile(path: "p.rasp", data: [0xEF, 0xBB, 0xBF] + Array("vocab {\"a\"};\nmax_seq_len 3;\nx = tokens;\n".utf8)))
        #expect(program?.vocab == [.string("a")])
    }

    @Test func aByteOrderMarkElsewhereIsNamed() {
        #expect(Diagnosed.of("vocab {\"a\"};\nmax_seq_len 3;\nx = \u{FEFF}tokens;\n") == [Diagnosed(3, 5, "unexpected byte-order mark (U+FEFF); only the start of a file may have one")])
    }

    @Test func invisibleAndForeignCharactersAreNamedByCodePoint() {
        let d = Diagnosed.of("vocab {\"a\"};\nmax_seq_len 3;\nx = tokens\u{A0}== \"a\";\ny = tokens \u{2192} x;\nz = tokens\u{200B};\n")
        #expect(d == [Diagnosed(3, 11, "unexpected invisible character U+00A0 (no-break space)"),
                      Diagnosed(4, 12, "unexpected character '\u{2192}' (U+2192)"),
                      Diagnosed(5, 11, "unexpected invisible character U+200B (zero width space)")])
        #expect(Diagnosed.of("vocab {\"a\"};\nmax_seq_len 3;\nx = tokens\u{7};\n") == [Diagnosed(3, 11, "unexpected byte 0x07")])
    }

    @Test func crlfAndCROnlyLineEndingsCountLinesAndColumns() {
        let expected = "p.rasp:4:5: error: unknown name 'tokes'; did you mean 'tokens'?\nx = tokes;\n    ^\n"
        for ending in ["\n", "\r\n", "\r"] {
            let text = ["# a comment", "vocab {\"a\"};", "max_seq_len 3;", "x = tokes;", ""].joined(separator: ending)
            #expect(SourceTextTests.rendered(Array(text.utf8)) == expected, "line ending \(ending.debugDescription)")
        }
        // Mixed endings, and a file whose last line has no ending.
        let mixed = "# a comment\rvocab {\"a\"};\r\nmax_seq_len 3;\nx = tokes;"
        #expect(SourceTextTests.rendered(Array(mixed.utf8)) == expected)
    }

    @Test func crOnlyProgramLoadsAsItsLFTwin() throws {
        let lines = ["vocab {\"a\", \"b\"};  # the tokens", "max_seq_len 3;", "x = map(lambda t: t == \"a\", tokens);", "output x;"]
        let cr = try Program.load(SourceFile(path: "p.rasp", data: Array(lines.joined(separator: "\r").utf8)))
        let lf = try Program.load(SourceFile(path: "p.rasp", text: lines.joined(separator: "\n")))
        #expect(cr.nodes.map(\.label) == lf.nodes.map(\.label))
        #expect(cr.nodes.map(\.location) == lf.nodes.map(\.location))
        #expect(cr.source.lineText(3) == "x = map(lambda t: t == \"a\", tokens);")
    }

    @Test func aNulByteIsShownInThePrintedLine() {
        let out = SourceTextTests.rendered(SourceTextTests.header + Array("x = tokens;".utf8) + [0] + Array(" # end\n".utf8))
        #expect(out == "p.rasp:3:12: error: NUL byte in source (source files must be UTF-8 text)\nx = tokens;\u{FFFD} # end\n           ^\n")
    }

    @Test func aFileReadFromDiskKeepsItsBytesWhenRenamed() throws {
        let path = NSTemporaryDirectory() + "rasp-\(UUID().uuidString).rasp"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try FileSystem.write(bytes: [0xEF, 0xBB, 0xBF] + Array("vocab {\"a\"};\r\nmax_seq_len 3;\r\nx = tokens; # \u{00E9}".utf8) + [0xE9], to: path)
        let source = try readSourceFile(path).get().renamed("shown.rasp")
        #expect(source.path == "shown.rasp")
        do {
            _ = try Program.load(source)
            Issue.record("loaded")
        } catch {
            #expect(error.diagnostics.map(\.description) == ["3:16: error: invalid UTF-8: byte 0xE9 (source files must be UTF-8 text)"])
        }
    }
}

/// A diagnostic as the tests compare it: line, column and message.
struct Diagnosed: Equatable, CustomStringConvertible {
    var line: Int
    var column: Int
    var message: String

    init(_ line: Int, _ column: Int, _ message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    init(_ d: Diagnostic) { self.init(d.location.line, d.location.column, d.message) }

    var description: String { "\(line):\(column): \(message)" }

    /// Every diagnostic of a program's text, in order; empty if it loads.
    static func of(_ text: String) -> [Diagnosed] {
        do {
            _ = try Program.load(SourceFile(path: "test.rasp", text: text))
            return []
        } catch {
            return error.diagnostics.map(Diagnosed.init)
        }
    }
}
