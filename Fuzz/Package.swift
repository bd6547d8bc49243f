// swift-tools-version:6.0
// libFuzzer harnesses for GreenNN's readers, the ONNX importer and greenbench's argument parser,
// a package of their own so that the fuzzer's instrumentation never reaches the main build. Build
// and run them with `make fuzz` (Scripts/fuzz.sh); Fuzz/README.md says what each feeds.
import PackageDescription

/// Each harness is one file holding only the `LLVMFuzzerTestOneInput` entry; libFuzzer supplies
/// `main`, so the file is parsed as a library.
func harness(_ name: String, _ dependencies: [Target.Dependency] = []) -> Target {
    .executableTarget(name: name, dependencies: dependencies, swiftSettings: [.unsafeFlags(["-parse-as-library"])])
}

let package = Package(
    name: "GreenNNFuzz",
    dependencies: [.package(name: "GreenNN", path: "..")],
    targets: [
        harness("FuzzSafeTensors", [.product(name: "GreenNN", package: "GreenNN")]),
        harness("FuzzIDX", ["FuzzSupport"]),
        harness("FuzzGzip", ["FuzzSupport"]),
        harness("FuzzStateDict", [.product(name: "GreenModels", package: "GreenNN"), "FuzzSupport"]),
        harness(
            "FuzzONNX",
            [.product(name: "GreenONNX", package: "GreenNN"), .product(name: "GreenNN", package: "GreenNN")]),
        // The input file the path-taking harnesses share, and the IDX harnesses' reads.
        .target(name: "FuzzSupport", dependencies: [.product(name: "GreenNN", package: "GreenNN")]),
        // Arguments.swift, UsageError.swift and OutputFormat.swift are symbolic links to
        // greenbench's own files (an executable target cannot be a dependency).
        harness("FuzzArguments"),
    ]
)
