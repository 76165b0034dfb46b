// swift-tools-version:6.0
// rasp: a RASP compiler (tracr-style), Edge Pruning, and a circuit verifier.
// No package dependencies: the toolchain and Foundation only.
import PackageDescription

let optimize: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"])]

let package = Package(
    name: "rasp",
    products: [
        .executable(name: "rasp", targets: ["rasp"]),
        .library(name: "RASPLanguage", targets: ["RASPLanguage"]),
        .library(name: "RASPCompiler", targets: ["RASPCompiler"]),
    ],
    targets: [
        // Stage 1: lexer, parser, diagnostics, value sets, static checks, interpreter.
        .target(name: "RASPLanguage"),
        // Stage 2: the transformer (weights, forward pass, edge-masked forward pass).
        .target(name: "RASPModel", swiftSettings: optimize),
        // Stage 3: RASP programs to transformer weights.
        .target(name: "RASPCompiler", dependencies: ["RASPLanguage", "RASPModel"], swiftSettings: optimize),
        // Stage 4: circuit files, golden circuits, the verifier.
        .target(name: "RASPCircuits", dependencies: ["RASPLanguage", "RASPModel", "RASPCompiler"]),
        // Stage 5: Edge Pruning (hard-concrete masks, hand-written gradients).
        .target(name: "EdgePruning", dependencies: ["RASPModel", "RASPCompiler", "RASPCircuits"], swiftSettings: optimize),
        // Stage 6: the `rasp` command line, as a library tested in-process.
        .target(name: "RASPCommand", dependencies: ["RASPLanguage", "RASPModel", "RASPCompiler", "RASPCircuits", "EdgePruning"]),
        .executableTarget(name: "rasp", dependencies: ["RASPCommand"]),

        // Shared by the test targets: repository paths and tracr's reference facts.
        .target(name: "RASPTestSupport", dependencies: ["RASPLanguage"], path: "Tests/RASPTestSupport"),
        .testTarget(name: "RASPLanguageTests", dependencies: ["RASPLanguage", "RASPTestSupport"]),
        .testTarget(name: "RASPModelTests", dependencies: ["RASPTestSupport", "RASPModel"]),
        .testTarget(name: "RASPCompilerTests", dependencies: ["RASPTestSupport", "RASPLanguage", "RASPModel", "RASPCompiler"]),
        .testTarget(name: "RASPCircuitsTests", dependencies: ["RASPTestSupport", "RASPLanguage", "RASPModel", "RASPCompiler", "RASPCircuits"]),
        .testTarget(name: "EdgePruningTests", dependencies: ["RASPTestSupport", "RASPModel", "RASPCompiler", "RASPCircuits", "EdgePruning"]),
        .testTarget(name: "RASPCommandTests", dependencies: ["RASPTestSupport", "RASPCommand"]),
    ]
)
