import Testing
import RASPLanguage
import RASPModel
import RASPCompiler
import RASPTestSupport

@Suite struct CompilerTests {
    @Test func aggregateThatCanSelectTwoValuesIsALocatedCompileError() throws {
        let program = try Repository.load(text: """
            vocab {"a", "b"};
            max_seq_len 3;
            all = select(indices, indices, true);
            first = aggregate(all, tokens);
            """)
        #expect(throws: CompileError.self) { try ProgramEvaluation.run(program) }
        do {
            _ = try ProgramEvaluation.run(program)
        } catch {
            #expect(error.location == SourceLocation(line: 4, column: 9))
            #expect(error.message.hasPrefix("categorical aggregate 'first' selects two different values"))
        }
    }

    @Test func numericalNoneIsALocatedCompileError() throws {
        let program = try Repository.load(text: """
            vocab {1, 2};
            max_seq_len 3;
            numerical previous = map(lambda x: x * 2, shift(tokens, 1));
            """)
        do {
            _ = try ProgramEvaluation.run(program)
            Issue.record("compiled")
        } catch {
            #expect(error.location == SourceLocation(line: 3, column: 22))
            #expect(error.message.hasPrefix("numerical s-op 'previous' has no value at position 0"))
        }
    }

    /// tracr crashes assembling a head whose value is wider than its query and key (notes, section 5).
    @Test func headWiderInValueThanInQueryAndKey() throws {
        let program = try Repository.load(text: """
            vocab {"a", "b"};
            max_seq_len 10;
            inputs distinct;
            where = aggregate(select(tokens, tokens, ==), indices);
            """)
        let compiled = try Compiler.compile(program)
        let head = try #require(compiled.model.layers[0].heads[0])
        #expect(head.valueInputs.count > head.keyInputs.count)
        let (checked, bad) = try ModelAgreementTests.disagreements(program)
        #expect(checked == 4 && bad.isEmpty)
    }

    /// Selector widths of 10 and more, where tracr's fixed MLP sharpness breaks, numerically encoded.
    @Test func numericalSelectorWidthAtLength16IsExact() throws {
        let program = try Repository.load(text: """
            vocab {"a"};
            max_seq_len 16;
            numerical n = selector_width(select(tokens, tokens, true));
            """)
        let compiled = try Compiler.compile(program)
        for length in 1...16 {
            let out = compiled.run([[Value](repeating: .string("a"), count: length)])[0]
            #expect(out.allSatisfy { abs($0.number! - Double(length)) < 1e-9 }, "length \(length): \(out)")
        }
    }

    @Test func causalMasksAgreeWithTheCausalInterpreter() throws {
        let program = try Repository.load(text: """
            vocab {"a", "b"};
            max_seq_len 4;
            causal;
            opp = length - indices - 1;
            rev = aggregate(select(indices, opp, ==), tokens);
            numerical is_a = tokens == "a";
            numerical frac = aggregate(select(indices, indices, true), is_a, 0);
            both = zipmap(lambda r, f: r, rev, tokens);
            """)
        let (checked, bad) = try ModelAgreementTests.disagreements(program)
        #expect(checked == 30 && bad.isEmpty)
    }

    @Test func emptyHeadSlotsAndUnusedLayersWriteNothing() throws {
        let compiled = try Compiler.compile(try Repository.load("reverse"))
        #expect(compiled.model.headSlots == 1)
        #expect(compiled.model.layers[1].heads[0] == nil)
        #expect(compiled.model.layers[3].mlp == nil)
    }

    @Test func everyMLPIsSilentAtBOS() throws {
        // Downstream heads rely on the BOS position holding only `one` and `tokens:BOS`.
        for name in ["shuffle_dyck2", "sort_freq", "frac_prevs_scaled", "count_less_freq_2"] {
            let compiled = try Compiler.compile(try Repository.load(name))
            let inputs = InputSpace(program: compiled.program).inputs(limit: 50)
            var wrong: [String] = []
            let masked = EdgeMaskedModel(model: compiled.dense)
            for (batch, _) in compiled.batches(inputs) {
                let tape = MaskedTape(model: masked, count: batch.count, length: batch.length)
                masked.forward(batch, masks: masked.allEdges, ablation: .zero, tape: tape)
                let r = masked.residualStream(tape, layers: compiled.layerCount)
                let d = compiled.model.residualWidth
                for b in 0..<batch.count {
                    for dim in 0..<d where !compiled.layout.labels[dim].hasSuffix("_selector_width_attn_output") {
                        let x = r[b * batch.length * d + dim]
                        let expected = dim == compiled.layout.one || dim == compiled.layout.bos ? 1.0 : 0.0
                        // Heads at the BOS query leak e^-20 per key (the BOS logit is coldness / 2).
                        if abs(x - expected) > 1e-7 { wrong.append("\(compiled.layout.labels[dim]) = \(x)") }
                    }
                }
            }
            #expect(wrong.isEmpty, "\(name): \(wrong.count) wrong at BOS, first \(wrong.prefix(3))")
        }
    }
}

@Suite struct CompilerLimitTests {
    @Test func aModelTooLargeToBuildIsRefusedBeforeAllocating() throws {
        let program = try Repository.load(text: "vocab {1..1400};\nmax_seq_len 3;\nx = zipmap(lambda a, b: a + b, tokens, tokens + 1);\n")
        do {
            _ = try Compiler.compile(program)
            Issue.record("compiled")
        } catch {
            #expect(error.message == "the compiled model would have about 11,013,303,028 weights, more than the limit of 25,000,000; the largest part is 'x' (10,977,960,000 weights)")
            #expect(error.location == SourceLocation(line: 3, column: 5))
        }
    }

    /// A huge vocab and a tiny map: the weights are in the embeddings, and the message says so rather
    /// than naming the map's 20,004 weights.
    @Test func aModelWhoseEmbeddingsAreTooLargeSaysSo() throws {
        let program = try Repository.load(text: "vocab {1..9999};\nmax_seq_len 5;\nx = map(lambda t: t % 2, tokens);\n")
        do {
            _ = try Compiler.compile(program)
            Issue.record("compiled")
        } catch {
            #expect(error.message == "the compiled model would have about 100,200,084 weights, more than the limit of 25,000,000; the largest part is the embeddings of the 10,008-dimensional residual stream (100,180,080 weights)")
            #expect(error.location == SourceLocation(line: 3, column: 5))
        }
    }

    /// Several MLPs in one layer are one dense MLP, named by its layer and the s-ops it computes.
    @Test func aLayerOfSeveralMLPsIsNamedByItsLayer() throws {
        let program = try Repository.load(text: """
            vocab {1..3000};
            max_seq_len 100;
            y1 = zipmap(lambda a, b: (a + b) % 2, tokens, indices);
            y2 = zipmap(lambda a, b: (a * b) % 3, tokens, indices);
            x = zipmap(lambda p, q: p + q, y1, y2);
            """)
        do {
            _ = try Compiler.compile(program)
            Issue.record("compiled")
        } catch {
            #expect(error.message == "the compiled model would have about 3,735,093,942 weights, more than the limit of 25,000,000; the largest part is the MLP of layer 0 (m0), which computes 'y1' and 'y2' (3,725,400,000 weights)")
            #expect(error.location == SourceLocation(line: 4, column: 6))
        }
    }
}
