import Testing
import RASPLanguage
import RASPCompiler
import RASPTestSupport

/// Layer count and heads per layer equal tracr's for every library program; the residual stream is
/// no wider than tracr's d_model.
@Suite struct TracrStructureTests {
    @Test(arguments: TracrLibrary.programs.map(\.name))
    func structureMatchesTracr(name: String) throws {
        let reference = try #require(TracrLibrary.programs.first { $0.name == name })
        let compiled = try Compiler.compile(try Repository.load(name))
        #expect(compiled.layerCount == reference.layers)
        #expect(compiled.headsPerLayer == reference.headsPerLayer)
        #expect(compiled.model.residualWidth <= reference.dModel, "residual \(compiled.model.residualWidth), tracr \(reference.dModel)")
        print("\(name): layers \(compiled.layerCount) heads \(compiled.headsPerLayer) mlp \(compiled.mlpHiddenPerLayer) (tracr \(reference.mlpHiddenPerLayer)) d \(compiled.model.residualWidth) (tracr \(reference.dModel)) nonzero \(compiled.model.nonzeroParameterCount) (tracr \(reference.paramsNonzero))")
    }
}

@Suite struct TracrFiguresTests {
    @Test func tableMatchesLibraryJSON() {
        #expect(TracrFigures.all.count == TracrLibrary.programs.count)
        for p in TracrLibrary.programs {
            let f = TracrFigures.named(p.name)
            #expect(f?.layers == p.layers && f?.headsPerLayer == p.headsPerLayer && f?.mlpHiddenPerLayer == p.mlpHiddenPerLayer
                    && f?.dModel == p.dModel && f?.nonzeroParameters == p.paramsNonzero, "\(p.name)")
        }
    }
}
