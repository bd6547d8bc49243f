// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "GreenNN",
    products: [
        .library(name: "GreenTensor", targets: ["GreenTensor"]),
        .library(name: "GreenNN", targets: ["GreenNN"]),
        .library(name: "GreenModels", targets: ["GreenModels"]),
        .library(name: "GreenEnergy", targets: ["GreenEnergy"]),
        .library(name: "GreenONNX", targets: ["GreenONNX"]),
        .executable(name: "greenbench", targets: ["GreenBench"]),
    ],
    targets: [
        .systemLibrary(
            name: "CBLAS",
            path: "Sources/CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            path: "Sources/CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(name: "CKernels", path: "Sources/CKernels"),
        .target(name: "GreenTensor", dependencies: ["CBLAS", "CKernels"]),
        .target(name: "GreenNN", dependencies: ["GreenTensor", "CZlib"]),
        .target(name: "GreenModels", dependencies: ["GreenNN"]),
        .target(name: "GreenEnergy"),
        .target(name: "GreenProtobuf"),
        .target(name: "GreenONNX", dependencies: ["GreenNN", "GreenProtobuf"]),
        .executableTarget(
            name: "GreenBench",
            dependencies: ["GreenModels", "GreenONNX", "GreenEnergy", "CBLAS"],
            path: "Benchmarks/GreenBench"
        ),
        .testTarget(name: "GreenTensorTests", dependencies: ["GreenTensor", "CKernels"]),
        .testTarget(name: "GreenNNTests", dependencies: ["GreenNN"], exclude: ["Golden"]),
        .testTarget(name: "GreenModelsTests", dependencies: ["GreenModels"]),
        .testTarget(name: "GreenEnergyTests", dependencies: ["GreenEnergy"]),
        .testTarget(name: "GreenProtobufTests", dependencies: ["GreenProtobuf"]),
        .testTarget(name: "GreenONNXTests", dependencies: ["GreenONNX", "GreenModels", "GreenProtobuf"]),
        .testTarget(name: "GreenBenchTests", dependencies: ["GreenBench", "GreenNN", "GreenEnergy"]),
    ]
)
