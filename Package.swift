// swift-tools-version:6.0
// rasp: a RASP compiler (tracr-style), circuit discovery (Edge Pruning first), and a circuit verifier.
// No package dependencies: the toolchain and Foundation only.
import PackageDescription

let package = Package(
    name: "rasp",
    products: [
        .executable(name: "rasp", targets: ["rasp"]),
        .library(name: "RASPLanguage", targets: ["RASPLanguage"]),
        .library(name: "RASPCompiler", targets: ["RASPCompiler"]),
        .library(name: "RASPModel", targets: ["RASPModel"]),
        .library(name: "Discovery", targets: ["Discovery"]),
        .library(name: "RASPCircuits", targets: ["RASPCircuits"]),
        .library(name: "RASPReport", targets: ["RASPReport"]),
    ],
    targets: [
        // Shared by every stage: seeded random numbers.
        .target(name: "RASPCore"),
        // Stage 1: lexer, parser, diagnostics, value sets, static checks, interpreter.
        .target(name: "RASPLanguage", dependencies: ["RASPCore"]),
        // Stage 2: the transformer: dense weights, variants, the edge-masked forward and backward passes.
        .target(name: "RASPModel", dependencies: ["RASPCore"]),
        // Stage 3: RASP programs to transformer weights, and the model variants of a program.
        .target(name: "RASPCompiler", dependencies: ["RASPCore", "RASPLanguage", "RASPModel"]),
        // Stage 4: circuit discovery on a black-box edge-masked model: the task, the methods, selection.
        .target(name: "Discovery", dependencies: ["RASPCore", "RASPModel"]),
        // Stage 5: circuit files, golden circuits, the verifier, tasks built from programs.
        .target(name: "RASPCircuits", dependencies: ["RASPCore", "RASPLanguage", "RASPModel", "RASPCompiler", "Discovery"]),
        // Stage 6: pictures and pages: circuits drawn as SVG, training curves, the teaching trace, HTML reports.
        .target(name: "RASPReport", dependencies: ["RASPCore", "RASPLanguage", "RASPModel", "RASPCompiler", "Discovery", "RASPCircuits"]),
        // Stage 7: the `rasp` command line, as a library tested in-process.
        .target(name: "RASPCommand", dependencies: ["RASPCore", "RASPLanguage", "RASPModel", "RASPCompiler", "Discovery", "RASPCircuits", "RASPReport"]),
        .executableTarget(name: "rasp", dependencies: ["RASPCommand"]),

        // Shared by the test targets: repository paths and tracr's reference facts.
        .target(name: "RASPTestSupport", dependencies: ["RASPLanguage"], path: "Tests/RASPTestSupport"),
        .testTarget(name: "RASPLanguageTests", dependencies: ["RASPCore", "RASPLanguage", "RASPTestSupport"]),
        .testTarget(name: "RASPModelTests", dependencies: ["RASPCore", "RASPTestSupport", "RASPModel"]),
        .testTarget(name: "RASPCompilerTests", dependencies: ["RASPCore", "RASPTestSupport", "RASPLanguage", "RASPModel", "RASPCompiler"]),
        .testTarget(name: "DiscoveryTests", dependencies: ["RASPCore", "RASPTestSupport", "RASPModel", "Discovery"]),
        .testTarget(name: "RASPCircuitsTests", dependencies: ["RASPCore", "RASPTestSupport", "RASPLanguage", "RASPModel", "RASPCompiler", "Discovery", "RASPCircuits"]),
        .testTarget(name: "RASPReportTests", dependencies: ["RASPCore", "RASPTestSupport", "RASPLanguage", "RASPModel", "RASPCompiler", "Discovery", "RASPCircuits", "RASPReport"]),
        .testTarget(name: "RASPCommandTests", dependencies: ["RASPCore", "RASPTestSupport", "RASPCircuits", "RASPCommand"]),
    ]
)
