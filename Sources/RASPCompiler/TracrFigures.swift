/// What tracr compiles each of its library programs to, from `library.json` (tracr 9ce2b8c as packaged
/// in tracr-pypi 1.0.0, max_seq_len 5, mlp_exactness 100), so `rasp compile` can print our figures
/// beside tracr's. A test checks this table against Tests/Fixtures/tracr/library.json.
public struct TracrFigures: Sendable, Equatable {
    public var program: String
    public var layers: Int
    public var headsPerLayer: [Int]
    public var mlpHiddenPerLayer: [Int]
    public var dModel: Int
    public var nonzeroParameters: Int
    /// Median of three `compile_rasp_to_model` calls after a JAX warm-up.
    public var compileSeconds: Double

    public static func named(_ name: String) -> TracrFigures? { all.first { $0.program == name } }

    public static let all: [TracrFigures] = [
        TracrFigures(program: "length", layers: 1, headsPerLayer: [1], mlpHiddenPerLayer: [12], dModel: 18, nonzeroParameters: 76, compileSeconds: 0.043132),
        TracrFigures(program: "length_numerical", layers: 1, headsPerLayer: [1], mlpHiddenPerLayer: [12], dModel: 13, nonzeroParameters: 65, compileSeconds: 0.038654),
        TracrFigures(program: "reverse", layers: 4, headsPerLayer: [1, 0, 0, 1], mlpHiddenPerLayer: [12, 30, 10, 0], dModel: 41, nonzeroParameters: 234, compileSeconds: 0.113239),
        TracrFigures(program: "hist", layers: 1, headsPerLayer: [1], mlpHiddenPerLayer: [12], dModel: 18, nonzeroParameters: 70, compileSeconds: 0.033654),
        TracrFigures(program: "sort_unique", layers: 2, headsPerLayer: [1, 1], mlpHiddenPerLayer: [12, 0], dModel: 25, nonzeroParameters: 106, compileSeconds: 0.07016),
        TracrFigures(program: "sort", layers: 3, headsPerLayer: [0, 1, 1], mlpHiddenPerLayer: [15, 12, 0], dModel: 36, nonzeroParameters: 263, compileSeconds: 0.099856),
        TracrFigures(program: "sort_freq", layers: 5, headsPerLayer: [1, 0, 0, 1, 1], mlpHiddenPerLayer: [12, 6, 30, 12, 0], dModel: 64, nonzeroParameters: 735, compileSeconds: 0.144009),
        TracrFigures(program: "frac_prevs", layers: 2, headsPerLayer: [0, 1], mlpHiddenPerLayer: [1, 0], dModel: 13, nonzeroParameters: 41, compileSeconds: 0.053616),
        TracrFigures(program: "pair_balance", layers: 2, headsPerLayer: [0, 2], mlpHiddenPerLayer: [2, 4], dModel: 16, nonzeroParameters: 75, compileSeconds: 0.064168),
        TracrFigures(program: "shuffle_dyck1", layers: 6, headsPerLayer: [1, 2, 0, 0, 2, 0], mlpHiddenPerLayer: [14, 6, 4, 106, 11, 4], dModel: 38, nonzeroParameters: 454, compileSeconds: 0.206993),
        TracrFigures(program: "shuffle_dyck2", layers: 8, headsPerLayer: [1, 4, 0, 0, 0, 1, 1, 0], mlpHiddenPerLayer: [16, 6, 8, 212, 8, 1, 11, 4], dModel: 55, nonzeroParameters: 792, compileSeconds: 0.183779),
        TracrFigures(program: "shift_by_1", layers: 1, headsPerLayer: [1], mlpHiddenPerLayer: [0], dModel: 14, nonzeroParameters: 32, compileSeconds: 0.022977),
        TracrFigures(program: "detect_pattern_abc", layers: 3, headsPerLayer: [0, 2, 0], mlpHiddenPerLayer: [6, 4, 4], dModel: 25, nonzeroParameters: 91, compileSeconds: 0.053466),
        TracrFigures(program: "count_less_freq_2", layers: 2, headsPerLayer: [1, 1], mlpHiddenPerLayer: [12, 12], dModel: 25, nonzeroParameters: 143, compileSeconds: 0.044678),
        TracrFigures(program: "count_a", layers: 1, headsPerLayer: [1], mlpHiddenPerLayer: [12], dModel: 18, nonzeroParameters: 70, compileSeconds: 0.021931),
        TracrFigures(program: "nary_sequencemap_x+y-z", layers: 3, headsPerLayer: [0, 0, 0], mlpHiddenPerLayer: [9, 45, 9], dModel: 74, nonzeroParameters: 261, compileSeconds: 0.126644),
    ]
}
